package autoglm.gate;

import autoglm.analysis.Metric;
import autoglm.analysis.MetricCatalog;
import autoglm.analysis.Unit;
import autoglm.result.ResultSummary;
import autoglm.rules.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges a current result against a baseline: each threshold's metric, then the findings. A change past
 * its limit fails when Welch's t-test puts it beyond noise, or when the metrics carry no spread to test
 * (then the limit alone decides); past the limit but within noise it is NOISE, which fails only with
 * {@code within_noise: fail}. Statistics of a spread (p99...) are single order statistics: no t-test.
 */
public final class Gate {
    private Gate() {
    }

    public static GateResult evaluate(ResultSummary base, ResultSummary cur, GateThresholds t) {
        List<GateCheck> checks = new ArrayList<>();
        for (Threshold th : t.metrics()) {
            checks.add(check(th, base.metric(th.metric()), cur.metric(th.metric()), t));
        }
        List<FindingCheck> findings = new ArrayList<>();
        if (t.maxSeverity() != null) {
            for (ResultSummary.FindingRef f : cur.findings()) {
                if (f.severity().ordinal() >= t.maxSeverity().ordinal()) {
                    // at or below the allowed severity (warning > info > ok > not applicable)
                    continue;
                }
                ResultSummary.FindingRef was = base.finding(f.rule());
                Severity before = was == null ? null : was.severity();
                boolean worse = before == null || !before.atLeast(f.severity());
                findings.add(new FindingCheck(f.rule(), f.title(), f.summary(), f.severity(), before,
                        !t.newOnly() || worse));
            }
        }
        return new GateResult(base.source(), cur.source(), t, List.copyOf(checks), List.copyOf(findings));
    }

    static GateCheck check(Threshold th, Metric base, Metric cur, GateThresholds t) {
        Unit unit = MetricCatalog.get(th.metric()).unit();
        if (base == null || cur == null || !base.present() || !cur.present()) {
            Metric missing = base == null || !base.present() ? base : cur;
            String side = base == null || !base.present() ? "the baseline" : "the current result";
            String why = missing == null ? "not in " + side : "not in " + side + " (" + missing.reason() + ")";
            return GateCheck.skipped(th, unit, base, cur, why);
        }
        double b;
        double c;
        NoiseTest noise;
        if (th.stat() == null) {
            b = base.value();
            c = cur.value();
            noise = NoiseTest.of(base, cur);
        } else {
            b = base.spread().get(th.stat());
            c = cur.spread().get(th.stat());
            if (Double.isNaN(b) || Double.isNaN(c)) {
                return GateCheck.skipped(th, unit, base, cur, "no " + th.stat() + " in "
                        + (Double.isNaN(b) ? "the baseline" : "the current result") + " (one sample, or no spread)");
            }
            noise = NoiseTest.notApplicable(th.stat() + " is one order statistic: no t-test");
        }
        double w = th.worsening(b, c);
        GateCheck.Status status;
        String reason;
        if (!th.exceeded(b, c)) {
            status = GateCheck.Status.PASS;
            reason = null;
        } else if (noise.applicable() && !noise.beyond(t.alpha())) {
            status = t.failWithinNoise() ? GateCheck.Status.FAIL : GateCheck.Status.NOISE;
            reason = "past the limit, but within noise (Welch's t-test p = " + String.format(java.util.Locale.ROOT,
                    "%.3g", noise.p()) + " >= " + t.alpha() + ")";
        } else {
            status = GateCheck.Status.FAIL;
            reason = noise.applicable() ? "past the limit and beyond noise (Welch's t-test p = "
                    + String.format(java.util.Locale.ROOT, "%.3g", noise.p()) + " < " + t.alpha() + ")"
                    : "past the limit (" + noise.reason() + ": the limit alone decides)";
        }
        return new GateCheck(th, unit, status, b, c, base.n(), cur.n(), w, noise, reason);
    }
}
