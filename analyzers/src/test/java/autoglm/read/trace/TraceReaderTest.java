package autoglm.read.trace;

import autoglm.model.trace.EventKind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Metric;
import autoglm.analyse.trace.TraceAnalysis;
import autoglm.analyse.trace.TraceAnalyzer;
import autoglm.model.trace.DataLoss;
import autoglm.model.trace.GpuActivities;
import autoglm.read.TraceLoader;
import autoglm.model.trace.TraceModel;
import autoglm.model.trace.EventKind;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader and model on a real H100 trace and on variants of it with the other styles real traces use. */
class TraceReaderTest {
    @TempDir
    Path tmp;

    @Test
    void countsEveryEventKindOfARealTrace() {
        // counted independently with Python's json module over the same file
        TraceModel m = TraceLoader.load(Fixtures.trace(Fixtures.PAGEABLE));
        assertEquals(711, m.source().events());
        assertEquals(216, m.readCounts().of(EventKind.CPU_OP));
        assertEquals(121, m.readCounts().of(EventKind.RUNTIME));
        assertEquals(60, m.readCounts().of(EventKind.KERNEL));
        assertEquals(24, m.readCounts().of(EventKind.MEMCPY));
        assertEquals(12, m.readCounts().of(EventKind.USER_ANNOTATION));
        assertEquals(12, m.readCounts().of(EventKind.GPU_USER_ANNOTATION));
        assertEquals(109 + 96, m.readCounts().of(EventKind.FLOW));
        assertEquals(58, m.readCounts().of(EventKind.METADATA));
        assertEquals(2, m.readCounts().of(EventKind.INSTANT));
        assertEquals(84, m.gpu().size());
        assertEquals(121, m.api().size());
        assertEquals(1790857026000000000L, m.header().baseTimeNanoseconds());
        assertEquals("NVIDIA H100 80GB HBM3", m.header().devices().get(0).name());
        assertEquals("9.0", m.header().devices().get(0).computeCapability());
        assertEquals(132, m.header().devices().get(0).numSms());
        assertEquals(0, m.dataLoss().lost());
        assertEquals(205L, m.dataLoss().get(DataLoss.Group.SKIPPED)
                .get("flow events (launches are joined by correlation id instead)"));
    }

    @Test
    void joinsEveryKernelToItsLaunchByCorrelation() {
        TraceModel m = TraceLoader.load(Fixtures.trace(Fixtures.DECODE_KV));
        // 5065 kernels + 25 memsets; Python found 2 whose correlation has no runtime/driver call
        assertEquals(5090, m.gpu().size());
        int joined = 0;
        for (int r = 0; r < m.gpu().size(); r++) {
            int l = m.gpu().launch(r);
            if (l >= 0) {
                joined++;
                assertEquals(m.gpu().correlation(r), m.api().correlation(l));
                assertTrue(m.api().start(l) <= m.gpu().start(r), "a launch precedes its kernel");
            }
        }
        assertEquals(5088, joined);
        assertEquals(2L, m.dataLoss().get(DataLoss.Group.UNMATCHED)
                .get("GPU activities whose launch call is not in the trace (launched before it started)"));
    }

    @Test
    void countsWarmUpKernelsLaunchedBeforeTheTraceAsUnmatched() {
        TraceModel m = TraceLoader.load(Fixtures.trace(Fixtures.PREFILL_FP32));
        assertEquals(179L, m.dataLoss().get(DataLoss.Group.UNMATCHED)
                .get("GPU activities whose launch call is not in the trace (launched before it started)"));
    }

    @Test
    void absoluteEpochTimestampsGiveTheSameAnalysis() throws Exception {
        ObjectNode t = exact(Fixtures.trace(Fixtures.PAGEABLE));
        long base = t.get("baseTimeNanoseconds").asLong();
        t.remove("baseTimeNanoseconds");
        BigDecimal offset = BigDecimal.valueOf(base).movePointLeft(3);
        for (JsonNode e : t.get("traceEvents")) {
            if (e.has("ts")) {
                ((ObjectNode) e).put("ts", e.get("ts").decimalValue().add(offset));
            }
        }
        Path f = Fixtures.write(t, tmp.resolve("absolute.json"));
        TraceModel abs = TraceLoader.load(f);
        TraceModel rel = TraceLoader.load(Fixtures.trace(Fixtures.PAGEABLE));
        assertNull(abs.header().baseTimeNanoseconds());
        assertEquals(rel.firstTs() + base, abs.firstTs());
        assertSameMetrics(analyse(rel), analyse(abs));
    }

    @Test
    void displayTimeUnitDoesNotChangeTimestamps() throws Exception {
        ObjectNode t = exact(Fixtures.trace(Fixtures.PAGEABLE));
        t.put("displayTimeUnit", "ns");
        TraceModel ns = TraceLoader.load(Fixtures.write(t, tmp.resolve("ns.json.gz")));
        assertEquals("ns", ns.header().displayTimeUnit());
        assertSameMetrics(analyse(TraceLoader.load(Fixtures.trace(Fixtures.PAGEABLE))), analyse(ns));
    }

    @Test
    void readsTheBareArrayFormatAndHeaderFieldsAfterTheEvents() throws Exception {
        ObjectNode t = exact(Fixtures.trace(Fixtures.PAGEABLE));
        Path array = Fixtures.write(t.get("traceEvents"), tmp.resolve("array.json"));
        TraceModel a = TraceLoader.load(array);
        assertTrue(a.header().arrayFormat());
        assertEquals(711, a.source().events());

        ObjectNode reordered = JsonNodeFactory.instance.objectNode();
        reordered.set("traceEvents", t.get("traceEvents"));
        for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getKey().equals("traceEvents")) {
                reordered.set(f.getKey(), f.getValue());
            }
        }
        TraceModel r = TraceLoader.load(Fixtures.write(reordered, tmp.resolve("late-header.json")));
        assertEquals(1790857026000000000L, r.header().baseTimeNanoseconds());
        assertEquals(132, r.header().devices().get(0).numSms());
    }

    @Test
    void toleratesMissingArgsAndOtherPhases() throws Exception {
        ObjectNode t = exact(Fixtures.trace(Fixtures.PAGEABLE));
        int stripped = 0;
        for (JsonNode e : t.get("traceEvents")) {
            if (e.path("cat").asText().equals("cpu_op")) {
                ((ObjectNode) e).remove("args");
                stripped++;
            }
        }
        ArrayNode events = (ArrayNode) t.get("traceEvents");
        ObjectNode counter = events.addObject();
        counter.put("ph", "C").put("name", "memory").put("pid", 405).put("ts", 4491920758200.5);
        counter.putObject("args").put("bytes", 1024);
        ObjectNode begin = events.addObject();
        begin.put("ph", "B").put("name", "region").put("pid", 405).put("tid", 405).put("ts", 4491920758300.0);
        ObjectNode noTs = events.addObject();
        noTs.put("ph", "X").put("cat", "cpu_op").put("name", "broken").put("dur", 3.0);
        TraceModel m = TraceLoader.load(Fixtures.write(t, tmp.resolve("odd.json")));
        assertEquals(216, stripped);
        assertEquals(216, m.cpuOps().size());
        assertEquals(1, m.readCounts().of(EventKind.COUNTER));
        assertEquals(1, m.readCounts().of(EventKind.UNSUPPORTED_PHASE));
        assertEquals(1L, m.dataLoss().get(DataLoss.Group.MALFORMED).get("complete event without ts or dur"));
        assertEquals(714, m.source().events());
    }

    @Test
    void keepsDevicesStreamsAndRankApart() throws Exception {
        ObjectNode t = exact(Fixtures.trace(Fixtures.DATALOADER));
        t.putObject("distributedInfo").put("rank", 3).put("world_size", 4);
        int moved = 0;
        int i = 0;
        for (JsonNode e : t.get("traceEvents")) {
            if (Fixtures.isGpuActivity(e) && i++ % 3 == 0) {
                ObjectNode args = (ObjectNode) e.get("args");
                args.put("stream", 20);
                ((ObjectNode) e).put("tid", 20);
                if (moved++ % 2 == 0) {
                    args.put("device", 1);
                    ((ObjectNode) e).put("pid", 1);
                }
            }
        }
        TraceModel m = TraceLoader.load(Fixtures.write(t, tmp.resolve("multi.json.gz")));
        assertEquals(3, m.rank());
        assertEquals(4, m.header().worldSize());
        assertEquals(252, m.gpu().size());
        int onDevice1 = 0;
        int onStream20 = 0;
        for (GpuActivities.StreamRange sr : m.gpu().streams()) {
            if (sr.device() == 1) {
                onDevice1 += sr.count();
            }
            if (sr.stream() == 20) {
                onStream20 += sr.count();
            }
            for (int r = sr.from() + 1; r < sr.to(); r++) {
                assertTrue(m.gpu().start(r - 1) <= m.gpu().start(r), "rows of a stream are in start order");
            }
        }
        assertEquals((moved + 1) / 2, onDevice1);
        assertEquals(moved, onStream20);
        assertEquals(3, m.gpu().streams().size());
        // the busiest device is analysed; its two streams each get their own idle split
        TraceAnalysis a = analyse(m);
        assertEquals(0, a.window().device());
        assertEquals(2, a.breakdown().streams().size());
        long activities = 0;
        for (var st : a.breakdown().streams()) {
            assertEquals(0, st.device());
            activities += st.activities();
            assertEquals(st.idleMs(), st.hostWaitMs() + st.kernelWaitMs() + st.otherMs(), 1e-9);
        }
        assertEquals(252 - (moved + 1) / 2, activities);
        assertEquals((moved + 1) / 2, a.dataLoss().get(DataLoss.Group.EXCLUDED)
                .get("GPU activities on other devices than the busiest"));
    }

    /** Reads with exact decimals so that rewritten traces keep every digit of ts and dur. */
    private static ObjectNode exact(Path gz) throws Exception {
        ObjectMapper exact = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return (ObjectNode) exact.readTree(in);
        }
    }

    private static TraceAnalysis analyse(TraceModel m) {
        return new TraceAnalyzer(AnalysisSettings.defaults()).analyze(m);
    }

    private static void assertSameMetrics(TraceAnalysis a, TraceAnalysis b) {
        assertFalse(a.metrics().all().isEmpty());
        for (Metric m : a.metrics().all().values()) {
            Metric o = b.metrics().get(m.name());
            assertEquals(m.present(), o.present(), m.name());
            if (m.present() && !m.isText()) {
                assertEquals(m.value(), o.value(), 1e-9, m.name());
                assertEquals(m.n(), o.n(), m.name());
            }
        }
    }
}
