package autoglm.record.cupti;

import autoglm.read.cupti.CuptiLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import autoglm.Fixtures;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native library itself: the build without CUDA headers, and the library loaded into a real process
 * the way the CUDA driver loads it (dlopen, then InitializeInjection) against the real libcupti. Without a
 * driver (CI) CUPTI cannot enable anything: the process must carry on and the recording must say why.
 */
class CuptiLibraryTest {
    @TempDir
    Path tmp;

    private static Process run(Map<String, String> env, Path dir, String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String output(Process p) throws Exception {
        try (InputStream in = p.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            return out;
        }
    }

    @Test
    void theBuildWithoutCudaHeadersSucceedsAndSaysWhy() throws Exception {
        Path noCuda = Files.createDirectory(tmp.resolve("no-cuda"));
        Path out = tmp.resolve("out");
        Process p = run(Map.of("AUTOGLM_CUDA_HOME", noCuda.toString()), tmp, "bash",
                Fixtures.root().resolve("native/cupti/build.sh").toString(), out.toString());
        String text = output(p);
        assertEquals(0, p.exitValue(), text);
        assertEquals("[autoglm] native/cupti skipped: no CUPTI headers (cupti.h) under " + noCuda
                + " (set CUDA_HOME to a CUDA toolkit); autoglm profile --kernels will be unavailable in this build",
                text.strip());
        try (var files = Files.walk(out)) {
            assertEquals(0, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void withoutADriverTheProcessCarriesOnAndTheRecordingSaysWhy() throws Exception {
        assumeFalse(Files.exists(Path.of("/proc/driver/nvidia/version")), "a driver is present: see docs/benchmarks.md");
        InputStream lib = CuptiInjection.class.getResourceAsStream(CuptiInjection.resource());
        assumeTrue(lib != null, "this build has no CUPTI library (no CUDA headers on the build machine)");
        lib.close();
        assumeTrue(Files.exists(Path.of("/usr/local/cuda/lib64/libcupti.so"))
                || Files.exists(Path.of("/usr/local/cuda/extras/CUPTI/lib64/libcupti.so")),
                "no libcupti on this machine");
        assumeTrue(new ProcessBuilder("python3", "-c", "1").start().waitFor() == 0, "no python3");
        Path injection = CuptiInjection.library(Map.of());
        Process p = run(Map.of(CuptiInjection.ENV_DIR, tmp.toString()), tmp, "python3", "-c",
                "import ctypes, sys\n"
                + "lib = ctypes.CDLL(sys.argv[1])\n"
                + "print('rc', lib.InitializeInjection(), lib.InitializeInjection())\n"
                + "print('still running')\n", injection.toString());
        String text = output(p);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("rc 1 1\nstill running"), text);
        List<Path> files = CuptiLoader.recordings(tmp);
        assertEquals(1, files.size(), files.toString());
        assertTrue(files.get(0).getFileName().toString().matches("cupti-\\d+\\.bin"));
        CuptiLoader.Result r = CuptiLoader.load(files);
        assertEquals(0, r.activities());
        assertEquals(1, r.errors().size(), r.errors().toString());
        assertTrue(r.errors().get(0).matches("cupti-\\d+\\.bin: cuptiActivityEnable\\(CONCURRENT_KERNEL\\) failed: "
                + "CUPTI_ERROR_\\w+; nothing is recorded"), r.errors().get(0));
        assertFalse(r.model().dataLoss().get(autoglm.model.trace.DataLoss.Group.PROBE).keySet().stream()
                .anyMatch(k -> k.contains("without their END")), "the process exited normally: END was written");
    }
}
