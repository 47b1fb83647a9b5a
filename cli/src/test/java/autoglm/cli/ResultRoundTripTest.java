package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.FleetReplay;
import autoglm.Fixtures;
import autoglm.analyse.Metric;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.Verification;
import autoglm.report.JsonReport;
import autoglm.result.ResultJson;
import autoglm.result.ResultSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every result autoglm writes is read back by every command that accepts it (issue 33): the JSON of
 * {@code diagnose --format json} of each input kind through gate and compare, run folders through diagnose, export,
 * gate and compare, and a verified run's folder (its verify.json) through diagnose FOLDER. What is read back must be
 * what the file says: each metric and finding ResultJson reads equals the one in the file's tree (read here with
 * plain Jackson), and compare finds no metric moved between a result and the input it was made from.
 *
 * <p>The load run with kernels is the case: testdata/load/agent-glm-tiny with the H100 recording of
 * testdata/cupti (see ServedRunTest) gets a {@code served} object, which gate and compare refused as an unknown key.
 */
class ResultRoundTripTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CUPTI = Fixtures.root().resolve("testdata/cupti/glm8-eager-decode-31passes.bin.gz");
    private static final Path LOAD = Fixtures.root().resolve("testdata/load/agent-glm-tiny");

    @TempDir
    Path tmp;

    @Test
    void aKinetoTrace() throws Exception {
        Path trace = Fixtures.trace(Fixtures.DECODE_KV);
        readBack(diagnose("trace", trace.toString()), trace);
    }

    @Test
    void aCuptiRecording() throws Exception {
        readBack(diagnose("cupti", CUPTI.toString()), CUPTI);
    }

    @Test
    void aRunFolderThroughDiagnoseExportGateAndCompare() throws Exception {
        Path run = Fixtures.root().resolve("testdata/runs/h100-replay");
        JsonNode d = readBack(diagnose("run", run.toString()), run);
        assertTrue(d.get("run").isObject(), "a run's result has its run object");
        exported(run);
    }

    @Test
    void aLoadRunWithoutKernels() throws Exception {
        JsonNode d = readBack(diagnose("load", LOAD.toString()), LOAD);
        assertFalse(d.has("served"), "no kernel recordings, no served steps");
        exported(LOAD);
    }

    @Test
    void aLoadRunWithKernelsHasServedStepsThatGateAndCompareRead() throws Exception {
        Path run = loadWithKernels();
        JsonNode d = readBack(diagnose("served", run.toString()), run);
        JsonNode served = d.get("served");
        assertTrue(served.isObject(), d.toString().substring(0, 200));
        // ServedRunTest: the recording's passes all began before the load's first scrape
        assertEquals("no step began after the server's first scrape", served.get("reason").asText());
        exported(run);
    }

    @Test
    void aRankFolder() throws Exception {
        Path ranks = Fixtures.root().resolve("testdata/hta/ranks");
        // gate and compare take one rank's trace, not a rank folder: the result against itself
        JsonNode d = readBack(diagnose("ranks", ranks.toString()), null);
        assertEquals(2, d.get("ranks").get("rows").size());
        assertEquals(2, d.get("inputs").size());
    }

    @Test
    void severalTracesWithOverrides() throws Exception {
        Path a = Fixtures.trace(Fixtures.DECODE_KV);
        Path b = Fixtures.trace(Fixtures.PREFILL_BF16);
        Path json = diagnose("several", "--set", "launch-bound.busy_info_pct=2", a.toString(), b.toString());
        JsonNode d = readBack(json, null);
        assertEquals(2.0, d.get("overrides").get("launch-bound.busy_info_pct").asDouble());
        assertTrue(d.get("inputs").get(0).get("metrics").isObject(), "several inputs: each with its metrics");
    }

    /** A fleet replayed into Debian's Prometheus, as FleetReplayTest does: its result through gate and compare. */
    @Test
    void aFleet() throws Exception {
        Path json = tmp.resolve("fleet.json");
        JsonNode x;
        try (FleetReplay fleet = FleetReplay.start(tmp)) {
            x = fleet.expected;
            String api = fleet.api();
            Run r = Run.of("diagnose", "--prometheus", api, "--start", x.get("start_s").asText(), "--end",
                    x.get("end_s").asText(), "--step", "1s", "--format", "json", "-o", json.toString());
            assertEquals(ExitCodes.OK, r.code(), r.err());
        }
        // the default thresholds name no fleet metric: a gate on the fleet's own
        Path thresholds = Files.writeString(tmp.resolve("fleet-thresholds.yaml"),
                "fleet_straggler_ratio: +10%\nfleet_imbalance_ratio: +10%\n");
        JsonNode d = readBack(json, null, "--thresholds", thresholds.toString());
        assertEquals(5, d.get("fleet").get("gpuInstances").size());
        assertEquals(x.get("fleet").get("straggler_ratio").asDouble(),
                d.get("metrics").get("fleet_straggler_ratio").get("value").asDouble(), 1e-9);
    }

    /**
     * A verified load run keeps the result of its --verify in verify.json; diagnose FOLDER shows the verification
     * again. Here the load run with kernels (so verify.json holds served) verified by the run of the fix
     * (testdata/load/agent-glm-tiny-fixed: four sequences at a time instead of one), its metrics before and after
     * from the two folders' diagnoses.
     */
    @Test
    void aVerifiedRunsFolderShowsItsVerificationsAgain() throws Exception {
        Path run = loadWithKernels();
        Diagnosis base = Diagnoser.withDefaults().diagnoseRun(run, n -> { }).diagnosis();
        Diagnosis fixed = Diagnoser.withDefaults().diagnoseRun(
                Fixtures.root().resolve("testdata/load/agent-glm-tiny-fixed"), n -> { }).diagnosis();
        List<Verification.Comparison> cs = new ArrayList<>();
        for (String m : List.of("load_e2el_ms", "load_ttft_ms", "server_queue_ms", "load_completed")) {
            cs.add(new Verification.Comparison(m, base.metrics().get(m), fixed.metrics().get(m), true, 0.01));
        }
        Verification v = new Verification("queueing", Map.of("max_num_seqs", "x4"), Verification.Status.MEASURED,
                null, "agent-glm-tiny-fixed", List.copyOf(cs), 1, null);
        try (Writer w = Files.newBufferedWriter(run.resolve("verify.json"))) {
            new JsonReport().write(base.withVerifications(List.of(v)), w);
        }
        Path json = tmp.resolve("verified.json");
        Run r = Run.of("diagnose", "--format", "json", "-o", json.toString(), run.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.err().contains("read from its verify.json"), r.err());
        JsonNode d = readBack(json, run);
        JsonNode verified = d.get("verify").get(0);
        assertEquals("queueing", verified.get("rule").asText());
        assertEquals("measured", verified.get("status").asText());
        assertEquals("x4", verified.get("knobs").get("max_num_seqs").asText());
        for (Verification.Comparison c : cs) {
            JsonNode m = verified.get("metrics").get(c.metric());
            assertEquals(c.before().value(), m.get("before").get("value").asDouble(), c.metric());
            assertEquals(c.after().value(), m.get("after").get("value").asDouble(), c.metric());
            assertEquals(0.01, m.get("welchP").asDouble());
        }
        assertTrue(verified.get("metrics").get("load_completed").get("work").asBoolean(), "a count of work done");
        // the verification read back is the one written
        Verification back = ResultJson.verifications(run.resolve("verify.json")).get(0);
        assertEquals(v.rule(), back.rule());
        assertEquals(v.knobs(), back.knobs());
        assertEquals(v.comparisons().size(), back.comparisons().size());
        for (int i = 0; i < cs.size(); i++) {
            assertEquals(cs.get(i).before().value(), back.comparisons().get(i).before().value());
            assertEquals(cs.get(i).after().n(), back.comparisons().get(i).after().n());
        }
    }

    /** agent-glm-tiny with the H100 recording as its server's kernels (cupti-PID.bin), as ServedRunTest builds it. */
    private Path loadWithKernels() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("load-kernels"));
        try (var s = Files.list(LOAD)) {
            for (Path p : s.toList()) {
                Files.copy(p, run.resolve(p.getFileName()));
            }
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(CUPTI))) {
            Files.copy(in, run.resolve("cupti-4242.bin"));
        }
        return run;
    }

    private Path diagnose(String name, String... args) {
        Path json = tmp.resolve(name + ".json");
        List<String> a = new ArrayList<>(List.of("diagnose", "--format", "json", "-o", json.toString()));
        a.addAll(List.of(args));
        Run r = Run.of(a.toArray(new String[0]));
        assertEquals(ExitCodes.OK, r.code(), r.err());
        return json;
    }

    /**
     * The result read back: gate and compare take it (against itself, and against the input it was made from, where
     * there is one, with no metric moved), and what ResultJson reads is what the file says.
     */
    private JsonNode readBack(Path json, Path source, String... gateOptions) throws Exception {
        JsonNode tree = JSON.readTree(json.toFile());
        List<String> gate = new ArrayList<>(List.of("gate", "--baseline", json.toString(), "--current", json.toString()));
        gate.addAll(List.of(gateOptions));
        Run g = Run.of(gate.toArray(new String[0]));
        assertEquals(ExitCodes.OK, g.code(), g.out() + g.err());
        assertTrue(g.out().contains("PASS"), g.out());
        Run c = Run.of("compare", "--format", "json", json.toString(), json.toString());
        assertEquals(ExitCodes.OK, c.code(), c.err());
        unmoved(JSON.readTree(c.out()));
        if (source != null) {
            Run cs = Run.of("compare", "--format", "json", json.toString(), source.toString());
            assertEquals(ExitCodes.OK, cs.code(), cs.err());
            unmoved(JSON.readTree(cs.out()));
            List<String> gs = new ArrayList<>(List.of("gate", "--baseline", json.toString(), "--current",
                    source.toString()));
            gs.addAll(List.of(gateOptions));
            Run gateSource = Run.of(gs.toArray(new String[0]));
            assertEquals(ExitCodes.OK, gateSource.code(), gateSource.out() + gateSource.err());
        }
        sameAsTheFile(tree, ResultJson.read(json));
        assertEquals(tree.get("verify").size(), ResultJson.verifications(json).size());
        return tree;
    }

    /** compare --format json of a result and itself (or its input): every metric the same, in value and count. */
    private static void unmoved(JsonNode comparison) {
        assertTrue(comparison.get("metrics").size() > 0, comparison.toString());
        for (JsonNode m : comparison.get("metrics")) {
            assertEquals(m.get("a"), m.get("b"), m.toString());
            assertEquals(m.get("nA"), m.get("nB"), m.toString());
        }
        for (JsonNode k : comparison.get("kernels").get("diff")) {
            assertEquals(k.get("countA"), k.get("countB"), k.toString());
        }
    }

    /** Each metric and finding read back equals the file's own, read as a plain tree. */
    private static void sameAsTheFile(JsonNode tree, ResultSummary read) {
        assertEquals(tree.get("metrics").size(), read.metrics().size());
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.get("metrics").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode m = e.getValue();
            Metric back = read.metric(e.getKey());
            assertEquals(m.get("unit").asText(), back.unit().key(), e.getKey());
            if (m.has("n")) {
                assertTrue(back.present(), e.getKey());
                assertEquals(m.get("n").asLong(), back.n(), e.getKey());
            } else {
                assertFalse(back.present(), e.getKey());
                assertEquals(m.get("reason").asText(), back.reason(), e.getKey());
            }
            if (m.has("value") && m.get("value").isNumber()) {
                assertEquals(m.get("value").asDouble(), back.value(), e.getKey());
            }
            if (m.has("text") && !m.has("items") && m.get("text").isTextual()) {
                assertEquals(m.get("text").asText(), back.text(), e.getKey());
            }
            if (m.has("p99") && m.get("p99").isNumber()) {
                assertEquals(m.get("p99").asDouble(), back.spread().p99(), e.getKey());
            }
        }
        assertEquals(tree.get("findings").size(), read.findings().size());
        for (int i = 0; i < read.findings().size(); i++) {
            assertEquals(tree.get("findings").get(i).get("rule").asText(), read.findings().get(i).rule());
            assertEquals(tree.get("findings").get(i).get("severity").asText(), read.findings().get(i).severity().key());
        }
        JsonNode kernels = tree.path("breakdown").path("kernels");
        assertEquals(kernels.size(), read.kernels().size());
        for (int i = 0; i < kernels.size(); i++) {
            assertEquals(kernels.get(i).get("name").asText(), read.kernels().get(i).name());
            assertEquals(kernels.get(i).get("count").asLong(), read.kernels().get(i).count());
        }
    }

    /** export --perfetto of a run folder: a Chrome trace with events. */
    private void exported(Path run) throws Exception {
        Path out = tmp.resolve(run.getFileName() + ".perfetto.json");
        Run r = Run.of("export", "--perfetto", out.toString(), run.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(JSON.readTree(out.toFile()).get("traceEvents").size() > 0);
    }
}
