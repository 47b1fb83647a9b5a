package autoglm.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.analyse.Metric;
import autoglm.analyse.Unit;
import org.junit.jupiter.api.Test;

/**
 * Issue 31: `--verify` printed "7.12x better" for a TTFT slope going from -725 to -102 ms per step. A ratio of a
 * signed quantity means nothing: the comparison gives its difference, and a factor only where both sides are
 * figures a ratio compares (before above 0, after at least 0).
 */
class ComparisonTest {
    private static Verification.Comparison of(String metric, Unit unit, double before, double after, boolean lower) {
        return new Verification.Comparison(metric, Metric.of(metric, unit, before, 20, null),
                Metric.of(metric, unit, after, 20, null), lower);
    }

    @Test
    void aSignedQuantityHasADifferenceAndNoFactor() {
        Verification.Comparison c = of("load_step_ttft_slope_ms", Unit.MS_PER_STEP, -725, -102, true);
        assertTrue(Double.isNaN(c.factor()), "factor " + c.factor());
        assertTrue(Double.isNaN(c.speedup()), "speedup " + c.speedup());
        assertEquals(623, c.difference(), 1e-9);
        // from a positive slope to a negative one: no ratio either
        assertTrue(Double.isNaN(of("load_step_ttft_slope_ms", Unit.MS_PER_STEP, 40, -10, true).factor()));
        // a slope is signed by its unit, even where both sides happen to be positive: +200 to +50 is no "4x better"
        Verification.Comparison pos = of("load_step_ttft_slope_ms", Unit.MS_PER_STEP, 200, 50, true);
        assertTrue(Double.isNaN(pos.factor()), "factor " + pos.factor());
        assertEquals(-150, pos.difference(), 1e-9);
        assertTrue(Double.isNaN(new autoglm.compare.MetricChange("step_trend_pct", Metric.of("step_trend_pct",
                Unit.PERCENT_PER_STEP, 4, 20, null), Metric.of("step_trend_pct", Unit.PERCENT_PER_STEP, 1, 20, null),
                null).deltaPct()));
        // and the gate's relative change: none for a slope, the difference alone
        assertTrue(Double.isNaN(new autoglm.gate.GateCheck(null, Unit.MS_PER_STEP, autoglm.gate.GateCheck.Status.PASS,
                -725, -102, 10, 10, 0, null, "").deltaPct()));
        assertEquals(-25, new autoglm.gate.GateCheck(null, Unit.MILLISECONDS, autoglm.gate.GateCheck.Status.PASS,
                400, 300, 10, 10, 0, null, "").deltaPct(), 1e-12);
    }

    @Test
    void aPositiveQuantityKeepsItsFactor() {
        Verification.Comparison c = of("load_e2el_ms", Unit.MILLISECONDS, 2000, 500, true);
        assertEquals(0.25, c.factor(), 1e-12);
        assertEquals(4, c.speedup(), 1e-12);
        assertEquals(-1500, c.difference(), 1e-12);
        assertEquals(0, of("server_queue_ms", Unit.MILLISECONDS, 300, 0, true).factor(), 0);
    }
}
