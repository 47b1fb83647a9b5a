package autoglm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium (Debian's chromium, installed by .ci/run). Where it is missing the tests that need it
 * skip, except in CI (CI=true), where they fail: the screenshot check must run there.
 */
final class Chromium {
    private Chromium() {
    }

    static Path find() {
        String env = System.getenv("AUTOGLM_CHROMIUM");
        List<String> names = env != null ? List.of(env) : List.of("chromium", "chromium-browser", "google-chrome");
        for (String n : names) {
            if (n.contains("/") && Files.isExecutable(Path.of(n))) {
                return Path.of(n);
            }
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, n);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("chromium is not installed; .ci/run installs it (apt-get install chromium)");
        }
        Assumptions.abort("chromium is not installed (Debian: apt-get install chromium); CI runs this check");
        return null;
    }

    /** Runs chromium headless on a file with extra arguments; returns its stdout. */
    static String run(Path html, Path work, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(find().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--no-first-run", "--disable-extensions", "--user-data-dir=" + work.resolve("profile")));
        cmd.addAll(List.of(args));
        cmd.add(html.toUri().toString());
        Path out = work.resolve("chromium.out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(work.resolve("chromium.err").toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        assertEquals(0, p.exitValue(), Files.readString(work.resolve("chromium.err")));
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
