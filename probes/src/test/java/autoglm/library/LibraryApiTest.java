package autoglm.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.FleetReplay;
import autoglm.Fixtures;
import autoglm.diagnose.Diagnosed;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.FleetTable;
import autoglm.diagnose.Verification;
import autoglm.model.load.LoadRequest;
import autoglm.record.load.Endpoint;
import autoglm.record.load.LoadPlan;
import autoglm.record.load.LoadRun;
import autoglm.record.load.LoadRuns;
import autoglm.record.load.LoadSweep;
import autoglm.record.load.Profile;
import autoglm.read.run.RunFolder;
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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Diagnosis and verification through the library alone: this module does not see the CLI (picocli is not on its
 * classpath), so nothing here can lean on it. A trace, a CUPTI recording and a run folder are diagnosed; the
 * workload (glm-tiny on CPU) is profiled and a fix verified by re-running it; an endpoint (the vLLM emulator) is
 * loaded and swept, checked against the emulator's truth log; a fleet is read back from Prometheus, checked against
 * what tools/fleet_replay.py computes from the recordings; all as docs/architecture.md shows. (The CLI's answer on
 * the same run folder and the same Prometheus is set against the library's in the cli module's LibraryParityTest.)
 */
class LibraryApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** A synthetic load of {@code requests} measured requests after one warm-up, {@code profile} as given. */
    private static LoadPlan synthetic(URI base, int requests) {
        return new LoadPlan(base, Endpoint.firstModel(base), true, LoadPlan.SYNTHETIC, Profile.parse("sync"), requests,
                Double.NaN, 1, 0, 1, 1, 0, 0, null, 32, 0, 8, null, Double.NaN, Double.NaN, Double.NaN,
                base.resolve("/metrics"), 60_000, 1.0, 1000, 4000);
    }

    @Test
    void loadsAnEndpointThroughTheLibraryAlone() throws Exception {
        try (Loopback engine = Loopback.emulator(tmp.resolve("emulator"), "vllm", "--decode-ms", "5")) {
            List<String> notes = new ArrayList<>();
            LoadRun run = new LoadRuns(tmp.resolve("runs"), diagnoser, notes::add).run(synthetic(URI.create(engine.url),
                    4), "lib-load");
            assertTrue(run.ranToItsEnd(), run.problem() + " " + notes);
            // the server saw every request the client sent: the warm-up and the 4 measured (no baseline: it serves
            // /metrics), one at a time, so in the same order
            List<JsonNode> truth = new ArrayList<>(engine.truth("request"));
            truth.sort(Comparator.comparingDouble(n -> n.get("arrival_ms").asDouble()));
            assertEquals(5, truth.size());
            List<LoadRequest> sent = run.recording().requests();
            assertEquals(truth.size(), sent.size());
            long served = 0;
            for (int i = 0; i < sent.size(); i++) {
                assertEquals("ok", sent.get(i).status());
                assertEquals(truth.get(i).get("completion_tokens").asLong(), sent.get(i).completionTokens(), "request " + i);
                served += sent.get(i).warmup() ? 0 : truth.get(i).get("completion_tokens").asLong();
            }
            Diagnosis d = run.diagnosis();
            assertEquals(4, d.metrics().get("load_requests").value());
            assertEquals(served, d.metrics().get("load_output_tokens").value(), "the server's completion tokens");
            // the folder is a run folder like any other, with the report the CLI writes into it
            assertTrue(RunFolder.isRunFolder(run.folder()));
            assertTrue(Files.readString(run.folder().resolve(RunFolder.REPORT_HTML)).startsWith("<!DOCTYPE html>"));
            assertEquals(d.metrics().get("load_output_tokens").value(), diagnoser.diagnoseRun(run.folder(), notes::add)
                    .diagnosis().metrics().get("load_output_tokens").value());
        }
    }

    @Test
    void sweepsAnEndpointsRatesThroughTheLibraryAlone() throws Exception {
        try (Loopback engine = Loopback.emulator(tmp.resolve("emulator"), "vllm", "--decode-ms", "5")) {
            List<String> notes = new ArrayList<>();
            LoadSweep.Result sweep = LoadSweep.run(new LoadRuns(tmp.resolve("runs"), diagnoser, notes::add),
                    synthetic(URI.create(engine.url), 4), 1, "lib");
            assertFalse(sweep.stopped(), notes.toString());
            List<LoadSweep.Stage> stages = sweep.stages();
            assertEquals("sync", stages.get(0).profile().toString());
            assertEquals("concurrent:4", stages.get(1).profile().toString(), "all 4 requests at once");
            assertTrue(stages.get(0).folderName().endsWith("-lib-sweep-1-sync"), stages.get(0).folderName());
            // each stage's rate as docs/load.md defines it: completed requests over the span from the first scheduled
            // send to the last end
            double low = rate(stages.get(0).run());
            double high = rate(stages.get(1).run());
            if (high > low) {
                assertEquals(3, stages.size(), "one constant rate between");
                assertEquals(Profile.parse(String.format(Locale.ROOT, "constant:%.4g", (low + high) / 2)).toString(),
                        stages.get(2).profile().toString());
            } else {
                assertEquals(2, stages.size(), "no rate between: " + notes);
            }
            int sent = 0;
            for (LoadSweep.Stage s : stages) {
                assertTrue(s.run().ranToItsEnd());
                sent += s.run().recording().requests().size();
            }
            assertEquals(engine.truth("request").size(), sent, "every stage's requests reached the server");
        }
    }

    private static double rate(LoadRun run) {
        List<LoadRequest> measured = run.recording().measured();
        double start = measured.stream().mapToDouble(LoadRequest::scheduledMs).min().orElseThrow();
        double end = measured.stream().mapToDouble(LoadRequest::endMs).max().orElseThrow();
        return measured.stream().filter(LoadRequest::ok).count() / ((end - start) / 1000);
    }

    @Test
    void diagnosesAFleetReadBackFromPrometheusThroughTheLibraryAlone() throws Exception {
        try (FleetReplay replay = FleetReplay.start(tmp)) {
            JsonNode x = replay.expected;
            String api = replay.api();
            List<String> notes = new ArrayList<>();
            Diagnoser.FleetWhere where = new Diagnoser.FleetWhere(api, "", "", x.get("start_s").asDouble() * 1000,
                    x.get("end_s").asDouble() * 1000, 1000);
            Diagnosis d = diagnoser.diagnoseFleet(where, 60_000, notes::add);
            assertEquals(List.of(), notes, "replicas and GPU series both found");
            FleetTable fleet = d.fleet();
            assertEquals(5, fleet.nodes().size());
            for (FleetTable.Node node : fleet.nodes()) {
                JsonNode e = x.get("nodes").get(node.instance());
                if (!e.get("gpu_util_pct").get("mean").isNull()) {
                    assertEquals(e.get("gpu_util_pct").get("mean").asDouble(), node.metrics().get("gpu_util_pct").value(),
                            1e-9, node.instance());
                }
                assertEquals(e.get("gpu_mem_peak_pct").asDouble(), node.metrics().get("gpu_mem_peak_pct").value(), 1e-9,
                        node.instance());
            }
            assertEquals(x.get("replicas").size(), fleet.rows().size());
            for (FleetTable.Row row : fleet.rows()) {
                assertEquals(x.get("replicas").get(row.instance()).get("requests").asDouble(), row.requests(),
                        row.instance());
            }
            JsonNode f = x.get("fleet");
            assertEquals(f.get("straggler_ratio").asDouble(), d.metrics().get("fleet_straggler_ratio").value(), 1e-9);
            assertEquals(f.get("imbalance_ratio").asDouble(), d.metrics().get("fleet_imbalance_ratio").value(), 1e-9);
            assertEquals(f.get("throttle_gap_pct").asDouble(), d.metrics().get("fleet_throttle_gap_pct").value(), 1e-9);
            assertTrue(d.findings().stream().anyMatch(x2 -> x2.rule().equals("straggler-replica")
                    && x2.severity() == Severity.WARNING));
            // a selector that picks no replica: said through the notes, as the CLI says it on stderr
            Diagnosis none = diagnoser.diagnoseFleet(new Diagnoser.FleetWhere(api, "{job=\"none\"}", "",
                    where.startMs(), where.endMs(), where.stepMs()), 60_000, notes::add);
            assertEquals(0, none.fleet().rows().size());
            assertEquals(List.of("Prometheus at " + api + " holds no vLLM, SGLang, TGI or llama.cpp series for "
                    + "{job=\"none\"} in the window"), notes);
        }
    }
}
