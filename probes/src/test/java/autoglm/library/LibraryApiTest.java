package autoglm.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.diagnose.Diagnosed;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.Verification;
import autoglm.model.run.RunInfo;
import autoglm.model.trace.LoadProgress;
import autoglm.record.run.ProfiledRun;
import autoglm.record.run.Profiler;
import autoglm.record.workload.PythonFinder;
import autoglm.record.workload.WorkloadCommand;
import autoglm.record.workload.WorkloadPackage;
import autoglm.rules.Finding;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.Severity;
import autoglm.verify.RunOutcome;
import autoglm.verify.Verifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Diagnosis and verification through the library alone: this module does not see the CLI (picocli is not on its
 * classpath), so nothing here can lean on it. A trace, a CUPTI recording and a run folder are diagnosed; the
 * workload (glm-tiny on CPU) is profiled and a fix verified by re-running it, as docs/architecture.md shows.
 */
class LibraryApiTest {
    @TempDir
    Path tmp;

    private final Diagnoser diagnoser = Diagnoser.withDefaults();

    @Test
    void diagnosesATraceARecordingAndARunFolder() throws Exception {
        List<String> notes = new ArrayList<>();
        Diagnosed trace = diagnoser.diagnoseFiles(List.of(Fixtures.trace(Fixtures.DATALOADER)), LoadProgress.NONE,
                notes::add);
        assertEquals("dataloader-stall", trace.diagnosis().findings().get(0).rule());
        assertEquals(null, trace.run(), "a trace is not a run folder");

        Path recording = Fixtures.root().resolve("testdata/cupti/glm8-eager-decode-31passes.bin.gz");
        Diagnosis kernels = diagnoser.diagnose(List.of(recording));
        assertEquals("launch-bound", kernels.findings().get(0).rule());

        Diagnosed run = diagnoser.diagnoseFiles(List.of(Fixtures.root().resolve("testdata/runs/h100-replay")),
                LoadProgress.NONE, notes::add);
        assertNotNull(run.run(), "a run folder's contents come back with its diagnosis");
        assertNotNull(run.diagnosis().run(), "and its samples' analysis");
        assertTrue(run.diagnosis().metrics().get("gpu_util_pct").present());
    }

    @Test
    void verifiesAFixByReRunningTheWorkload() throws Exception {
        Path python;
        try {
            python = PythonFinder.find(null, System.getenv());
        } catch (WorkloadPackage.Unavailable e) {
            Assumptions.abort("skipped: " + e.getMessage());
            return;
        }
        Map<String, String> env = Map.of("PYTHONPATH", WorkloadPackage.folder(System.getenv()).toString());
        WorkloadCommand workload = new WorkloadCommand("glm-tiny", null);
        Map<String, String> knobs = new LinkedHashMap<>();
        knobs.put("batch", "4");
        knobs.put("requests", "8");
        knobs.put("prompt_len", "mixed:16,120,0.25");
        knobs.put("padding", "max");
        knobs.put("max_length", "128");
        knobs.put("max_new_tokens", "3");
        knobs.put("bandwidth_gbps", "20");
        Path cache = tmp.resolve("bandwidth.json");
        List<String> notes = new ArrayList<>();
        Profiler profiler = Profiler.withNvml(notes::add);
        RunInfo.Settings settings = new RunInfo.Settings(100, 100, 200);
        Verifier.Rerun rerun = (rule, extra) -> {
            Map<String, String> k = new LinkedHashMap<>(knobs);
            k.putAll(extra);
            return run(profiler, workload.argv(python, k, cache), "glm-tiny-" + rule, settings, env, notes);
        };
        RunOutcome base = run(profiler, workload.argv(python, knobs, cache), "glm-tiny", settings, env, notes);
        assertEquals(0, base.exitCode(), base.note());
        Finding padding = base.diagnosis().findings().stream().filter(f -> f.rule().equals("padding-waste"))
                .findFirst().orElseThrow();
        assertEquals(Severity.WARNING, padding.severity());

        List<Verification> verified = new Verifier(RuleCatalogue.bundled(), 3, notes::add, rerun).verify(base);
        // padding=bucketed is two changes, verified apart: no padding to max_length, then length buckets
        List<Verification> fixes = verified.stream().filter(x -> x.rule().equals("padding-waste")).toList();
        assertEquals(List.of("longest", "bucketed"), fixes.stream().map(x -> x.knobs().get("padding")).toList());
        Verification v = fixes.get(1);
        assertEquals(Verification.Status.MEASURED, v.status(), v.reason());
        assertTrue(v.comparison("tokens_per_s").after().value() > 0);
        Diagnosis after = base.diagnosis().withVerifications(verified);
        Finding measured = after.findings().stream().filter(f -> f.rule().equals("padding-waste")).findFirst()
                .orElseThrow();
        assertEquals("measured", measured.gain().kind());
        assertFalse(after.verifications().isEmpty());
    }

    private RunOutcome run(Profiler profiler, List<String> argv, String name, RunInfo.Settings settings,
            Map<String, String> env, List<String> notes) throws Exception {
        Profiler.Result r = profiler.run(new Profiler.Request(argv, name, tmp.resolve("runs"), settings, 10_000, null,
                env));
        return ProfiledRun.outcome(r, diagnoser.diagnoseRun(r.folder(), notes::add));
    }
}
