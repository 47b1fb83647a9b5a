package autoglm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import autoglm.analyse.Metric;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.Verification;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one order of findings, stated here as docs/analyses.md#ranking states it:
 * <ol>
 * <li>warnings and infos, then ok, then not applicable;</li>
 * <li>among warnings and infos: warnings without a gain estimate; then every finding with a gain (measured where
 * --verify measured it, else estimated), highest first; then infos without a gain estimate;</li>
 * <li>ties: warning before info, higher score, rule id.</li>
 * </ol>
 */
class RankingTest {
    private static Finding f(String rule, Severity s, double score, Gain gain) {
        return new Finding(rule, rule, "t", s, score, Map.of(), Map.of(), "", "", "", gain, null, null);
    }

    private static Gain est(double pct) {
        return new Gain(Gain.ESTIMATED, pct, Double.NaN, "x", "y", GainBase.GPU_SPAN);
    }

    private static List<String> ids(List<Finding> fs) {
        return fs.stream().map(Finding::rule).toList();
    }

    @Test
    void theOrderAsDocumented() {
        List<Finding> all = new ArrayList<>(List.of(
                f("na", Severity.NOT_APPLICABLE, 0, Gain.none()),
                f("ok-high-score", Severity.OK, 20, Gain.none()),
                f("info-unpriced", Severity.INFO, 60, Gain.notEstimated("a risk")),
                f("info-0.2", Severity.INFO, 30, est(0.2)),
                f("warning-5", Severity.WARNING, 99, est(5)),
                f("info-74", Severity.INFO, 40, est(74)),
                f("warning-unpriced", Severity.WARNING, 80, Gain.notEstimated("a risk")),
                f("info-5", Severity.INFO, 70, est(5)),
                f("warning-nan", Severity.WARNING, 90, Gain.notApplicable("a / b", "b is 0", GainBase.GPU_SPAN)),
                f("info-5-lower", Severity.INFO, 30, est(5))));
        Collections.shuffle(all, new java.util.Random(7));
        assertEquals(List.of(
                "warning-nan", "warning-unpriced", // warnings without an estimate, by score
                "info-74", "warning-5", "info-5", "info-5-lower", "info-0.2", // by gain; ties: warning, then score
                "info-unpriced", "ok-high-score", "na"), ids(Ranking.sorted(all)));
    }

    @Test
    void aMeasuredGainIsRankedAgainAfterVerification() {
        List<Finding> fs = Ranking.sorted(List.of(f("a", Severity.INFO, 50, est(74)), f("b", Severity.INFO, 50, est(60))));
        assertEquals(List.of("a", "b"), ids(fs));
        Diagnosis d = new Diagnosis("autoglm", "test", List.of(), new autoglm.analyse.Metrics.Builder().build(), fs,
                autoglm.model.trace.DataLoss.empty());
        // b's fix measured: tokens/s x 4 saves 75% of the time, more than a's estimated 74%
        Metric before = Metric.of("tokens_per_s", autoglm.analyse.Unit.TOKENS_PER_SECOND, 100, 5, autoglm.analyse.Spread.NONE);
        Metric after = Metric.of("tokens_per_s", autoglm.analyse.Unit.TOKENS_PER_SECOND, 400, 5, autoglm.analyse.Spread.NONE);
        Verification v = new Verification("b", Map.of("k", "v"), Verification.Status.MEASURED, null, "run-b",
                List.of(new Verification.Comparison("tokens_per_s", before, after, false)));
        Diagnosis verified = d.withVerifications(List.of(v));
        assertEquals(List.of("b", "a"), ids(verified.findings()));
        assertEquals(Gain.MEASURED, verified.findings().get(0).gain().kind());
        assertEquals(75, verified.findings().get(0).gain().percent(), 1e-9);
    }

    @Test
    void theGainComesFromTheBestFixThatDoesTheSameWork() {
        List<Finding> fs = List.of(f("b", Severity.INFO, 50, est(60)));
        Diagnosis d = new Diagnosis("autoglm", "test", List.of(), new autoglm.analyse.Metrics.Builder().build(), fs,
                autoglm.model.trace.DataLoss.empty());
        Metric before = Metric.of("tokens_per_s", autoglm.analyse.Unit.TOKENS_PER_SECOND, 100, 3, autoglm.analyse.Spread.NONE);
        java.util.function.BiFunction<Double, String, Verification> fix = (after, change) -> new Verification("b",
                Map.of("k", Double.toString(after)), Verification.Status.MEASURED, null, "run", List.of(
                        new Verification.Comparison("tokens_per_s", before, Metric.of("tokens_per_s",
                                autoglm.analyse.Unit.TOKENS_PER_SECOND, after, 3, autoglm.analyse.Spread.NONE), false)),
                3, change);
        // x2 and x4 doing the same work, x10 by doing less: the gain is x4's, 75%
        Diagnosis v = d.withVerifications(List.of(fix.apply(200.0, null), fix.apply(1000.0, "less work: a quality "
                + "trade-off: x"), fix.apply(400.0, null)));
        assertEquals(75, v.findings().get(0).gain().percent(), 1e-9);
        // only a fix that changes the work: its gain, and it says so
        Diagnosis w = d.withVerifications(List.of(fix.apply(1000.0, "less work: a quality trade-off: x")));
        assertEquals(90, w.findings().get(0).gain().percent(), 1e-9);
        org.junit.jupiter.api.Assertions.assertTrue(w.findings().get(0).gain().basis().contains("less work"),
                w.findings().get(0).gain().toString());
    }

    @Test
    void everyBundledRuleHasAGainModelOrSaysWhyNot() {
        for (RuleDefinition r : RuleCatalogue.bundled().rules()) {
            if (r.gainFormula() == null) {
                assertEquals(true, List.of("memory-headroom", "client-limited", "latency-slo").contains(r.id()),
                        r.id() + ": only risks, findings about the measurement and summaries of others go without a gain model");
            } else {
                assertEquals(false, r.gainFormula().source().strip().equals("0"), r.id() + ": a gain of 0 is no model");
            }
        }
    }
}
