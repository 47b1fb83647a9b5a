package autoglm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * autoglm run as a child JVM with a small heap, bounded by a wall clock around the process (never a timed assertion
 * on speed): what a user's shell would see, exit code and both streams, and whether it had to be killed.
 */
record ChildAutoglm(int code, String out, String err, boolean killed, double seconds) {
    static ChildAutoglm run(Path dir, String heap, long wallSeconds, List<String> args)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "autoglm.cli.Main"));
        argv.addAll(args);
        Files.createDirectories(dir);
        Path out = dir.resolve("child.out");
        Path err = dir.resolve("child.err");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        boolean ended = p.waitFor(wallSeconds, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new ChildAutoglm(ended ? p.exitValue() : -1,
                new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                new String(Files.readAllBytes(err), StandardCharsets.UTF_8), !ended, s);
    }
}
