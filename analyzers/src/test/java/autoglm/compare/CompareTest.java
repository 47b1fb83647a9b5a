package autoglm.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.Results;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** compare on two real traces: fp32 without TF32 against bf16 prefill, checked against tools/diff_check.py. */
class CompareTest {
    @Test
    void everyKernelOfBothTracesWithItsCountsAndTimes() throws Exception {
        Comparison c = Comparer.compare(Results.of(Fixtures.PREFILL_FP32), Results.of(Fixtures.PREFILL_BF16), 5);
        assertNull(c.kernelsNote());
        assertTrue(c.perIteration());
        JsonNode a = Results.independent(Fixtures.PREFILL_FP32);
        JsonNode b = Results.independent(Fixtures.PREFILL_BF16);
        Map<String, KernelChange> byName = new HashMap<>();
        for (KernelChange k : c.kernels()) {
            byName.put(k.name(), k);
        }
        Set<String> names = new HashSet<>();
        a.get("kernels").fieldNames().forEachRemaining(names::add);
        b.get("kernels").fieldNames().forEachRemaining(names::add);
        assertEquals(names, byName.keySet(), "every kernel name of either trace, once");
        int ia = a.get("iterations").asInt();
        int ib = b.get("iterations").asInt();
        assertEquals(ia, c.a().iterations());
        assertEquals(ib, c.b().iterations());
        int added = 0;
        int removed = 0;
        for (String n : names) {
            KernelChange k = byName.get(n);
            JsonNode ka = a.get("kernels").get(n);
            JsonNode kb = b.get("kernels").get(n);
            long ca = ka == null ? 0 : ka.get("count").asLong();
            long cb = kb == null ? 0 : kb.get("count").asLong();
            double ta = ka == null ? 0 : ka.get("total_ns").asDouble() / 1e6;
            double tb = kb == null ? 0 : kb.get("total_ns").asDouble() / 1e6;
            assertEquals(ca, k.countA(), n);
            assertEquals(cb, k.countB(), n);
            assertEquals(ta, k.totalMsA(), 1e-9, n);
            assertEquals(tb, k.totalMsB(), 1e-9, n);
            KernelChange.Status expected = ka == null ? KernelChange.Status.ADDED : kb == null ? KernelChange.Status.REMOVED
                    : tb / ib > ta / ia * 1.05 ? KernelChange.Status.GREW : tb / ib < ta / ia * 0.95
                    ? KernelChange.Status.SHRANK : KernelChange.Status.SAME;
            assertEquals(expected, k.status(), n);
            added += ka == null ? 1 : 0;
            removed += kb == null ? 1 : 0;
        }
        assertEquals(added, c.count(KernelChange.Status.ADDED));
        assertEquals(removed, c.count(KernelChange.Status.REMOVED));
        // the fp32 FFMA GEMM is gone, bf16 tensor-core GEMMs (nvjet) came in
        assertTrue(c.kernels().stream().anyMatch(k -> k.status() == KernelChange.Status.REMOVED && k.name().contains("ffma")));
        assertTrue(c.kernels().stream().anyMatch(k -> k.status() == KernelChange.Status.ADDED && k.name().startsWith("nvjet")));
        // largest change first
        for (int i = 1; i < c.kernels().size(); i++) {
            assertTrue(Math.abs(c.kernels().get(i - 1).deltaMs()) >= Math.abs(c.kernels().get(i).deltaMs()));
        }
    }

    @Test
    void cpuOpsAreDiffedByTheGpuTimeTheyLaunched() throws Exception {
        Comparison c = Comparer.compare(Results.of(Fixtures.DECODE_KV), Results.of(Fixtures.DECODE_NO_KV), 5);
        JsonNode independent = Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/independent.json")
                .toFile());
        JsonNode a = independent.get(Fixtures.DECODE_KV);
        JsonNode b = independent.get(Fixtures.DECODE_NO_KV);
        Map<String, KernelChange> byOp = new HashMap<>();
        for (KernelChange k : c.ops()) {
            byOp.put(k.name(), k);
        }
        int checked = 0;
        // each op in both traces' top ten (tools/independent_check.py): GPU time per iteration on each side
        for (JsonNode oa : a.get("top_ops")) {
            for (JsonNode ob : b.get("top_ops")) {
                if (!oa.get(0).asText().equals(ob.get(0).asText())) {
                    continue;
                }
                KernelChange k = byOp.get(oa.get(0).asText());
                assertEquals(oa.get(2).asDouble() / a.get("iterations").asInt(), k.perA(), 1e-9, k.name());
                assertEquals(ob.get(2).asDouble() / b.get("iterations").asInt(), k.perB(), 1e-9, k.name());
                assertEquals(oa.get(1).asLong(), k.countA(), k.name());
                KernelChange.Status want = k.perB() > k.perA() * 1.05 ? KernelChange.Status.GREW
                        : k.perB() < k.perA() * 0.95 ? KernelChange.Status.SHRANK : KernelChange.Status.SAME;
                assertEquals(want, k.status(), k.name());
                checked++;
            }
        }
        assertTrue(checked >= 5, "ops in both top tens: " + checked);
    }

    @Test
    void aTraceAgainstItselfChangesNothing() {
        Comparison c = Comparer.compare(Results.of(Fixtures.DECODE_KV), Results.of(Fixtures.DECODE_KV), 0);
        assertEquals(c.kernels().size(), c.count(KernelChange.Status.SAME));
        Iterator<MetricChange> it = c.metrics().iterator();
        while (it.hasNext()) {
            MetricChange m = it.next();
            assertEquals(0, m.delta(), 0, m.name());
        }
        assertTrue(c.metrics().size() > 20);
    }
}
