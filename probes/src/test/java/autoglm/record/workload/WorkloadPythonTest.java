package autoglm.record.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import autoglm.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the workload's own Python tests (native/workload/tests: the GLM model checked against itself by
 * independent routes, the event stream, knobs, batching, exit codes) with the Python that has PyTorch.
 * Without PyTorch it skips with one line saying what to install; with CI=true it fails.
 */
class WorkloadPythonTest {
    /** The Python with torch: a skipped test without it, a failed one with CI=true. */
    static Path python() {
        return autoglm.Needs.torch();
    }

    @Test
    void theWorkloadsOwnTestsPass() throws Exception {
        Path py = python();
        Process p = new ProcessBuilder(py.toString(), "-m", "unittest", "discover", "-s", "tests", "-t", ".")
                .directory(Fixtures.root().resolve("native/workload").toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(300, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
    }
}
