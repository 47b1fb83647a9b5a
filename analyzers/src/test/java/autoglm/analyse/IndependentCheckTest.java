package autoglm.analyse;

import autoglm.analyse.trace.Breakdown;
import autoglm.analyse.trace.TraceAnalysis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * GPU busy share, the idle split and the DataLoader share agree within 0.5 percentage points with an
 * independent computation: tools/independent_check.py, plain Python over the raw JSON following HTA's
 * definitions. Its output is committed in testdata/expected/independent.json; when python3 is on the
 * machine the script is run again and must reproduce that file.
 */
class IndependentCheckTest {
    private static final double TOLERANCE_PP = 0.5;
    private static final String[] METRICS = {
        "gpu_busy_pct", "idle_host_wait_pct", "idle_kernel_wait_pct", "idle_other_pct", "dataloader_pct"
    };

    private static JsonNode expected() throws Exception {
        return Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/independent.json").toFile());
    }

    @Test
    void headlineMetricsAgreeWithTheIndependentScript() throws Exception {
        JsonNode expected = expected();
        int compared = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            TraceAnalysis a = Analyses.of(e.getKey());
            // the iteration rules of docs/analyses.md#iterations, the incomplete last step among them
            // (A-decode-eager-kvcache-gpu-cut: its last step's last launches have no GPU activity)
            assertEquals(e.getValue().get("iterations").asInt(), a.window().iterations(), e.getKey() + " iterations");
            for (String metric : METRICS) {
                JsonNode want = e.getValue().get(metric);
                Metric got = a.metrics().get(metric);
                if (want == null || want.isNull()) {
                    assertFalse(got.present(), e.getKey() + " " + metric + " should be absent");
                    continue;
                }
                assertTrue(got.present(), e.getKey() + " " + metric + ": " + got.reason());
                assertEquals(want.asDouble(), got.value(), TOLERANCE_PP, e.getKey() + " " + metric);
                compared++;
            }
        }
        assertEquals(9 * 4 + 1, compared, "every fixture's busy share and idle split, and the DataLoader share");
        assertEquals(11, expected.get("A-decode-eager-kvcache-gpu-cut.trace.json.gz").get("iterations").asInt());
        assertEquals(12, expected.get(autoglm.Fixtures.DECODE_KV).get("iterations").asInt());
    }

    @Test
    void theLaunchQueueIsWhatTheIndependentScriptCounts() throws Exception {
        int compared = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = expected().fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().has("launch_queue_max")) {
                continue;
            }
            Metrics m = Analyses.of(e.getKey()).metrics();
            for (String name : new String[] {"launch_queue_max", "launch_queue_mean", "launch_queue_full_ms"}) {
                double want = e.getValue().get(name).asDouble();
                // 1e-6 relative: the script turns epoch microseconds into nanoseconds through a float (2^53)
                assertEquals(want, m.get(name).value(), Math.abs(want) * 1e-6 + 1e-9, e.getKey() + " " + name);
                compared++;
            }
        }
        assertEquals(9 * 3, compared, "every fixture with GPU activity");
    }

    @Test
    void theTopOpsAreThoseTheIndependentScriptAttributes() throws Exception {
        int ops = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = expected().fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode want = e.getValue().get("top_ops");
            if (want == null) {
                continue;
            }
            java.util.List<Breakdown.OpStat> got = Analyses.of(e.getKey()).breakdown().ops();
            for (int i = 0; i < want.size(); i++) {
                JsonNode w = want.get(i);
                Breakdown.OpStat o = got.get(i);
                String where = e.getKey() + " op " + (i + 1);
                assertEquals(w.get(0).asText(), o.op(), where);
                assertEquals(w.get(1).asLong(), o.activities(), where);
                assertEquals(w.get(2).asDouble(), o.gpuMs(), 1e-9, where + " GPU ms");
                assertEquals(w.get(3).asDouble(), o.launchMs(), 1e-9, where + " launch ms");
                ops++;
            }
        }
        assertEquals(79, ops, "up to ten ops of each of the nine traces with GPU activity (5 and 4 where fewer launched work)");
    }

    @Test
    void theCommittedExpectationsAreWhatTheScriptComputes() throws Exception {
        Assumptions.assumeTrue(python3() != null, "python3 not found: the committed expectations are used as they are");
        Path root = Fixtures.root();
        List<String> cmd = new ArrayList<>(List.of(python3(), root.resolve("tools/independent_check.py").toString()));
        try (var files = Files.list(root.resolve("testdata/traces"))) {
            files.sorted().forEach(p -> cmd.add(p.toString()));
        }
        cmd.add(root.resolve("examples").resolve(Fixtures.DECODE8).toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes()));
        JsonNode fresh = Fixtures.json().readTree(out);
        JsonNode committed = expected();
        assertEquals(committed.size(), fresh.size());
        for (Iterator<Map.Entry<String, JsonNode>> it = committed.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            assertEquals(e.getValue().get("iterations"), fresh.get(e.getKey()).get("iterations"), e.getKey());
            for (String metric : METRICS) {
                JsonNode a = e.getValue().get(metric);
                JsonNode b = fresh.get(e.getKey()).get(metric);
                if (a.isNull()) {
                    assertTrue(b.isNull(), e.getKey() + " " + metric);
                } else {
                    assertEquals(a.asDouble(), b.asDouble(), 1e-9, e.getKey() + " " + metric);
                }
            }
        }
    }

    @Test
    void theDerivedTraceIsWhatItsScriptMakes(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(python3() != null, "python3 not found: the committed trace is used as it is");
        Path root = Fixtures.root();
        Process p = new ProcessBuilder(python3(), root.resolve("tools/make_trace_variants.py").toString(),
                tmp.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        String name = "A-decode-eager-kvcache-gpu-cut.trace.json.gz";
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(root.resolve("testdata/traces").resolve(name)),
                Files.readAllBytes(tmp.resolve(name))), name + " differs from what tools/make_trace_variants.py makes");
    }

    private static String python3() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "python3");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
