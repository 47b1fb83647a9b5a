package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine emulators' own self-test (src/test/emulators/test_emulate.py, stdlib Python): every engine streams
 * requests and its truth log, SSE frames and /metrics page are checked against each other. Run here so CI runs it;
 * other tests start the emulators and trust them. Without python3 it is skipped, except under CI=true, where it fails.
 */
class EmulatorSelfTest {

    @Test
    void emulatorsAgreeWithTheirTruthLogs() throws Exception {
        Path dir = Path.of("src/test/emulators").toAbsolutePath();
        assertTrue(Files.isRegularFile(dir.resolve("emulate.py")), "emulators not found at " + dir);
        String python = python();
        Path log = Files.createTempFile("emulator-selftest", ".log");
        try {
            Process p = new ProcessBuilder(python, "-m", "unittest", "discover", "-s", dir.toString(), "-p",
                    "test_*.py").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("the emulator self-test ran past 300 s:\n" + read(log));
            }
            assertEquals(0, p.exitValue(), "the emulator self-test failed:\n" + read(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String read(Path log) throws java.io.IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }

    /** python3 (no torch needed): CI=true fails without one, elsewhere the test is skipped. */
    static String python() {
        return autoglm.Needs.python3();
    }
}
