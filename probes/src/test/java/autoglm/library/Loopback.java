package autoglm.library;

import autoglm.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real servers on loopback for {@link LibraryApiTest}, started as the CLI's tests start them: an engine emulator
 * (cli/src/test/emulators/emulate.py, plain Python without torch; its README says which engine sources each follows)
 * with its truth log,. A missing python3 skips the test, and fails it under CI=true
 * (CI installs it; Debian's Prometheus for the fleet is autoglm.loopback.FleetReplay). Each is stopped on close.
 */
final class Loopback implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    /** http://127.0.0.1:PORT */
    final String url;
    private final Path truth;

    private Loopback(Process process, String url, Path truth) {
        this.process = process;
        this.url = url;
        this.truth = truth;
    }

    /** The engine emulator of {@code engine}, with {@code args}, once it has written its port; files in {@code dir}. */
    static Loopback emulator(Path dir, String engine, String... args) throws Exception {
        Files.createDirectories(dir);
        Path port = dir.resolve(engine + ".port");
        Path truth = dir.resolve(engine + ".truth.jsonl");
        List<String> argv = new ArrayList<>(List.of(autoglm.Needs.python3(),
                Fixtures.root().resolve("cli/src/test/emulators/emulate.py").toString(), "--engine", engine,
                "--port-file", port.toString(), "--truth", truth.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve(engine + ".log")
                .toFile()).start();
        // waits on the port file (or the process's end); 60 s bounds a hang, it is no timing assertion
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.isRegularFile(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("the emulator did not start: " + Files.readString(dir.resolve(engine + ".log")));
            }
            Thread.sleep(20);
        }
        return new Loopback(p, "http://127.0.0.1:" + Files.readString(port).strip(), truth);
    }

    /** The emulator's truth records of one type ("request", "scrape", "step"), in the order written. */
    List<JsonNode> truth(String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(truth)) {
            JsonNode n = line.isBlank() ? null : JSON.readTree(line);
            if (n != null && type.equals(n.path("type").asText())) {
                out.add(n);
            }
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
