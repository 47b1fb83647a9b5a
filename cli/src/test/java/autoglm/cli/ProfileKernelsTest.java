package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import autoglm.Fixtures;
import autoglm.record.cupti.CuptiInjection;
import autoglm.record.run.Signals;
import autoglm.read.run.RunFolder;
import autoglm.read.run.RunInfoJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * profile --kernels and diagnose of runs that hold kernel recordings. Without a GPU the command loads the
 * injection library itself, as the CUDA driver would (ctypes + InitializeInjection): the real library and
 * libcupti run, CUPTI refuses for lack of a driver, and everything around it is exercised for real. The
 * timeline of a run is tested with the H100 recording placed in a real run folder.
 */
class ProfileKernelsTest {
    private static final String INJECT = "import ctypes, os\n"
            + "ctypes.CDLL(os.environ['CUDA_INJECTION64_PATH']).InitializeInjection()\n";

    @TempDir
    Path tmp;

    private static void assumeInjectable() throws Exception {
        assumeFalse(Files.exists(Path.of("/proc/driver/nvidia/version")), "a driver is present: see docs/benchmarks.md");
        assumeTrue(CuptiInjection.class.getResource(CuptiInjection.resource()) != null, "built without the library");
        assumeTrue(Files.exists(Path.of("/usr/local/cuda/lib64/libcupti.so")), "no libcupti on this machine");
        assumeTrue(new ProcessBuilder("python3", "-c", "1").start().waitFor() == 0, "no python3");
    }

    private static Path only(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out)) {
            List<Path> runs = s.toList();
            assertEquals(1, runs.size(), runs.toString());
            return runs.get(0);
        }
    }

    @Test
    void kernelsFlagInjectsTheLibraryAndReportsWhyNothingWasRecorded() throws Exception {
        assumeInjectable();
        Path out = tmp.resolve("runs");
        Run r = Run.of("profile", "--kernels", "--format", "json", "--out", out.toString(), "--", "python3", "-c",
                INJECT);
        assertEquals(ExitCodes.OK, r.code(), r.err());
        Path run = only(out);
        assertTrue(RunInfoJson.read(run.resolve(RunFolder.RUN_JSON)).settings().kernels());
        try (Stream<Path> s = Files.list(run)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.stream().anyMatch(n -> n.matches("cupti-\\d+\\.bin")), names.toString());
            assertFalse(names.stream().anyMatch(n -> n.contains("flush") || n.contains(".ack")), names.toString());
        }
        assertTrue(r.err().contains("failed: CUPTI_ERROR_"), r.err());
        JsonNode j = Fixtures.json().readTree(r.out());
        String reason = j.get("metrics").get("gpu_busy_pct").get("reason").asText();
        assertTrue(reason.startsWith("the CUPTI recording holds no GPU activity (cupti-"), reason);
        // the header does not claim kernels were recorded when none were
        Run text = Run.of("diagnose", run.toString());
        String header = text.out().replaceAll("\n {13}", " ");
        assertTrue(header.contains("kernel recording on, but nothing was recorded"), text.out());
        assertFalse(header.contains("recorded through CUPTI"), text.out());
    }

    @Test
    void aRunWithTheH100RecordingGetsTheTimelineRules() throws Exception {
        Path out = tmp.resolve("runs");
        assertEquals(ExitCodes.OK, Run.of("profile", "--out", out.toString(), "--", "true").code());
        Path run = only(out);
        Files.copy(Fixtures.root().resolve("testdata/cupti/glm8-eager-decode-31passes.bin.gz"),
                run.resolve("cupti-4242.bin.gz"));
        Run r = Run.of("diagnose", "--format", "json", run.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode j = Fixtures.json().readTree(r.out());
        JsonNode expected = Fixtures.json().readTree(
                Fixtures.root().resolve("testdata/expected/cupti-31passes.json").toFile());
        assertEquals("launch-bound", j.get("findings").get(0).get("rule").asText());
        assertEquals(expected.get("gpu_busy_pct_whole_span").asDouble(),
                j.get("metrics").get("gpu_busy_pct").get("value").asDouble(), 1e-6);
        assertEquals(expected.get("passes").asInt(), j.get("inputs").get(0).get("iterations").get("count").asInt());
        assertTrue(j.get("run").isObject());
        Run text = Run.of("diagnose", run.toString());
        assertTrue(text.out().contains("of CUPTI recording (gzip"), text.out());
        assertTrue(text.out().contains("31 iterations from passes found in the kernel sequence"), text.out());
    }

    @Test
    void aBareRecordingIsDiagnosedLikeATrace() throws Exception {
        String rec = Fixtures.root().resolve("testdata/cupti/glm8-eager-decode-31passes.bin.gz").toString();
        Run r = Run.of("diagnose", "--format", "json", rec);
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode j = Fixtures.json().readTree(r.out());
        assertEquals("launch-bound", j.get("findings").get(0).get("rule").asText());
        JsonNode it = j.get("inputs").get(0).get("iterations");
        assertEquals("kernel-passes", it.get("basis").asText());
        assertTrue(it.get("anchor").asText().startsWith("void cutlass::Kernel2<"), it.toString());
        Run mixed = Run.of("diagnose", rec, Fixtures.trace(Fixtures.DECODE_KV).toString());
        assertEquals(ExitCodes.BAD_INPUT, mixed.code());
        assertEquals("autoglm: CUPTI recordings and trace files cannot be mixed: give either", mixed.err().strip());
    }

    @Test
    void aCorruptRecordingInARunIsOneLineAndExitTwo() throws Exception {
        Path out = tmp.resolve("runs");
        assertEquals(ExitCodes.OK, Run.of("profile", "--out", out.toString(), "--", "true").code());
        Path run = only(out);
        byte[] gz = Files.readAllBytes(Fixtures.root().resolve("testdata/cupti/glm8-eager-decode-31passes.bin.gz"));
        Path bad = Files.write(run.resolve("cupti-7.bin.gz"), java.util.Arrays.copyOf(gz, 1000));
        Run r = Run.of("diagnose", run.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("autoglm: " + bad + ": "), r.err());
    }

    @Test
    void sigtermAsksTheLibraryToFlushBeforeTheCommandIsStopped() throws Exception {
        assumeInjectable();
        Path out = tmp.resolve("runs");
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "autoglm.cli.Main", "profile", "--kernels",
                "--out", out.toString(), "--", "python3", "-c", INJECT + "import time\ntime.sleep(60)\n"));
        Path stderr = tmp.resolve("stderr");
        Process p = new ProcessBuilder(argv).redirectOutput(tmp.resolve("stdout").toFile())
                .redirectError(stderr.toFile()).start();
        Path run = null;
        for (int i = 0; i < 300 && run == null; i++) {
            Thread.sleep(50);
            if (Files.isDirectory(out)) {
                try (Stream<Path> s = Files.list(out)) {
                    Path f = s.findFirst().orElse(null);
                    if (f != null && !CuptiRecordings.in(f).isEmpty()) {
                        run = f;
                    }
                }
            }
        }
        assertTrue(run != null, "the command loaded the library");
        // the file appears when the library opens it; its flusher starts only after libcupti is loaded and
        // CUDA initialisation was tried, which can take over a second on a cold machine. Its first forced
        // flush (a second after it starts) writes a chunk past the 16-byte file header: from then on it answers.
        Path bin = CuptiRecordings.in(run).get(0);
        for (int i = 0; i < 300 && Files.size(bin) <= 16; i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.size(bin) > 16, "the library's flusher is running");
        assertTrue(Signals.kill(p.pid(), Signals.SIGTERM));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertEquals(ExitCodes.BAD_INPUT, p.exitValue(), err);
        assertFalse(err.contains("did not answer the flush request"), err);
        assertTrue(err.contains("CUPTI recordings without their END record") || err.contains("kernel recording"), err);
    }

    @Test
    void anInjectionAlreadyInPlaceIsRefused() throws Exception {
        assumeTrue(CuptiInjection.class.getResource(CuptiInjection.resource()) != null, "built without the library");
        List<String> argv = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "autoglm.cli.Main", "profile", "--kernels",
                "--out", tmp.resolve("runs").toString(), "--", "true");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("CUDA_INJECTION64_PATH", "/opt/nsight/libToolsInjection64.so");
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(ExitCodes.BAD_INPUT, p.exitValue(), text);
        assertEquals("autoglm: --kernels: CUDA_INJECTION64_PATH is already set (/opt/nsight/libToolsInjection64.so): "
                + "another tool (Nsight Systems?) injects into CUDA; unset it or profile without --kernels", text.strip());
        assertFalse(Files.exists(tmp.resolve("runs")) && Files.list(tmp.resolve("runs")).findAny().isPresent());
    }

    @Test
    void doctorSaysWhatKernelsNeed() throws Exception {
        assumeTrue(CuptiInjection.bundled(), "built without the library");
        Path cupti = Files.writeString(tmp.resolve("libcupti.so"), "");
        List<String[]> rows = new ArrayList<>();
        DoctorCommand.kernels(rows, java.util.Map.of("AUTOGLM_CUPTI_LIBRARY", cupti.toString(),
                "CUDA_INJECTION64_PATH", "/opt/x.so"));
        assertEquals("kernels", rows.get(0)[0]);
        assertEquals("CUPTI library in this build (" + CuptiInjection.resource().substring(1) + ")", rows.get(0)[1]);
        assertEquals("libcupti: " + cupti + " (a copy the command brings, as PyTorch does, is used first)", rows.get(1)[1]);
        assertEquals("CUDA_INJECTION64_PATH is already set (/opt/x.so): profile --kernels refuses to replace another "
                + "tool's injection; unset it", rows.get(2)[1]);
        Run r = Run.of("doctor");
        assertEquals(ExitCodes.OK, r.code());
        assertTrue(r.out().contains("\n  kernels    CUPTI library in this build"), r.out());
        // what --model and load need: the Python with torch (named), or what to install
        assertTrue(r.out().contains("\n  workload   "), r.out());
        assertTrue(r.out().contains("torch ") || r.out().contains("apt-get install python3-torch"), r.out());
        assertTrue(r.out().contains("\n  load       HTTP client (java.net.http) present"), r.out());
    }

    /** The recordings of a run folder, tolerating a folder that is still being written. */
    private static final class CuptiRecordings {
        static List<Path> in(Path folder) {
            try {
                return autoglm.read.cupti.CuptiLoader.recordings(folder);
            } catch (RuntimeException e) {
                return List.of();
            }
        }
    }
}
