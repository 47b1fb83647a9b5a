package autoglm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.Results;
import autoglm.analyse.trace.Window;
import autoglm.read.run.RunFolder;
import autoglm.model.run.RunRecording;
import autoglm.read.TraceLoader;
import autoglm.model.trace.TraceModel;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Perfetto export validates as Chrome-trace JSON and keeps every kernel of the fixture. */
class PerfettoExportTest {
    private static final Set<String> PHASES = Set.of("X", "M", "C", "s", "f");

    /** Checks the JSON Object Format's shape event by event; returns the events by category. */
    static Map<String, Integer> validate(JsonNode root) {
        assertTrue(root.isObject());
        assertTrue(root.get("traceEvents").isArray());
        Map<String, Integer> byCat = new HashMap<>();
        Set<Long> starts = new HashSet<>();
        Set<Long> finishes = new HashSet<>();
        for (JsonNode e : root.get("traceEvents")) {
            String ph = e.get("ph").asText();
            assertTrue(PHASES.contains(ph), ph);
            assertTrue(e.get("name").isTextual(), e.toString());
            assertTrue(e.get("pid").isIntegralNumber(), e.toString());
            assertTrue(e.get("tid").isIntegralNumber(), e.toString());
            if (!ph.equals("M")) {
                assertTrue(e.get("ts").isNumber() && e.get("ts").asDouble() >= 0, e.toString());
            }
            switch (ph) {
                case "X":
                    assertTrue(e.get("dur").isNumber() && e.get("dur").asDouble() >= 0, e.toString());
                    byCat.merge(e.get("cat").asText(), 1, Integer::sum);
                    break;
                case "C":
                    assertTrue(e.get("args").size() > 0);
                    e.get("args").forEach(v -> assertTrue(v.isNumber(), e.toString()));
                    byCat.merge("counter", 1, Integer::sum);
                    break;
                case "s":
                    starts.add(e.get("id").asLong());
                    break;
                case "f":
                    finishes.add(e.get("id").asLong());
                    assertEquals("e", e.get("bp").asText());
                    break;
                default:
                    assertTrue(e.get("args").get("name") != null || e.get("args").get("sort_index") != null);
            }
        }
        assertEquals(starts, finishes, "every flow arrow has both ends");
        byCat.put("flows", starts.size());
        return byCat;
    }

    @Test
    void aFixtureTraceKeepsEveryKernel() throws Exception {
        TraceModel m = TraceLoader.load(Fixtures.trace(Fixtures.DECODE_KV));
        StringWriter w = new StringWriter();
        PerfettoExport.Counts counts = new PerfettoExport().write(m, Window.of(m), null, w);
        Map<String, Integer> byCat = validate(Fixtures.json().readTree(w.toString()));
        int inFile = Results.independent(Fixtures.DECODE_KV).get("kernel_events").asInt();
        assertEquals(inFile, byCat.get("kernel"), "every kernel event of the file");
        assertEquals(inFile, counts.kernels());
        assertTrue(byCat.getOrDefault("cuda_runtime", 0) > 0 && byCat.getOrDefault("cpu_op", 0) > 0
                && byCat.getOrDefault("user_annotation", 0) > 0, byCat.toString());
        assertEquals(12, byCat.get("iteration"), "the 12 analysed iterations");
        assertTrue(byCat.get("flows") >= inFile - 1, "launch arrows: " + byCat.get("flows"));
    }

    @Test
    void aRunsSamplesBecomeCounterTracks() throws Exception {
        RunRecording run = RunFolder.read(Fixtures.root().resolve("testdata/runs/h100-replay"));
        StringWriter w = new StringWriter();
        PerfettoExport.Counts counts = new PerfettoExport().write(null, null, run, w);
        JsonNode root = Fixtures.json().readTree(w.toString());
        Map<String, Integer> byCat = validate(root);
        long util = run.gpu().stream().filter(s -> !Double.isNaN(s.utilPct())).count();
        long sm = run.gpm().stream().filter(s -> !Double.isNaN(s.smActivePct())).count();
        int utilEvents = 0;
        int smEvents = 0;
        for (JsonNode e : root.get("traceEvents")) {
            if (e.get("ph").asText().equals("C")) {
                utilEvents += e.get("name").asText().equals("utilization %") ? 1 : 0;
                smEvents += e.get("name").asText().equals("GPM SM active %") ? 1 : 0;
            }
        }
        assertEquals(util, utilEvents);
        assertEquals(sm, smEvents);
        assertEquals(counts.counterSamples(), (long) byCat.get("counter"));
        assertEquals(run.info().startedMs() * 1_000_000L, root.get("otherData").get("originNs").asLong());
    }

    @Test
    void timestampsAreExactMicroseconds() {
        assertEquals("1234.567", PerfettoExport.micros(1_234_567).toPlainString());
        assertEquals("0.001", PerfettoExport.micros(1).toPlainString());
    }
}
