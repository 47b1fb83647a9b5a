package autoglm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 31: "a glm-tiny run's gains add up to 161% with no word on overlap". Gains on one base combine as
 * 1 - (1 - g1)(1 - g2)... (docs/analyses.md#overlapping-gains), never above 100%; on different bases not at all.
 */
class GainOverlapTest {
    private static Finding f(String rule, Severity s, double pct, GainBase base, String formula) {
        return new Finding(rule, rule, "t", s, 50, Map.of(), Map.of(), "", "", "",
                new Gain(Gain.ESTIMATED, pct, Double.NaN, formula, "basis", base), null, null);
    }

    @Test
    void gainsOnOneBaseCombineBelowOneHundredPercent() {
        List<GainOverlap> o = GainOverlap.of(List.of(
                f("a", Severity.WARNING, 70, GainBase.E2EL, "x"),
                f("b", Severity.INFO, 60, GainBase.E2EL, "y"),
                f("c", Severity.INFO, 31, GainBase.E2EL, "z"),
                f("span", Severity.WARNING, 50, GainBase.GPU_SPAN, "w"),
                f("hidden", Severity.OK, 90, GainBase.E2EL, "v")));
        assertEquals(1, o.size(), "the GPU span's one gain overlaps nothing, the ok finding is not reported");
        GainOverlap e2el = o.get(0);
        assertEquals(GainBase.E2EL, e2el.base());
        assertEquals(List.of("a", "b", "c"), e2el.parts().stream().map(GainOverlap.Part::rule).toList());
        // 161% summed, as in the issue
        assertEquals(100 * (1 - 0.30 * 0.40 * 0.69), e2el.combinedPct(), 1e-9);
        assertTrue(e2el.combinedPct() <= 100);
        assertEquals(70, e2el.largestPct(), 1e-9);
        assertEquals(100, e2el.sumPct(), 1e-9);
    }

    @Test
    void theSameFormulaIsTheSameTimeCountedOnce() {
        GainOverlap o = GainOverlap.of(List.of(
                f("kv-cache-pressure", Severity.WARNING, 33.2, GainBase.E2EL, "server_queue_share_pct"),
                f("queueing", Severity.INFO, 33.2, GainBase.E2EL, "server_queue_share_pct"),
                f("preemption", Severity.INFO, 11.6, GainBase.E2EL, "p"))).get(0);
        assertNull(o.parts().get(0).sameAs());
        assertEquals("kv-cache-pressure", o.parts().get(1).sameAs());
        assertEquals(100 * (1 - (1 - 0.332) * (1 - 0.116)), o.combinedPct(), 1e-9);
        assertEquals(33.2 + 11.6, o.sumPct(), 1e-9);
    }
}
