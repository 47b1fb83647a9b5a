package autoglm.gate;

import autoglm.analyse.WelchTest;
import autoglm.analyse.Metric;
import autoglm.analyse.MetricCatalog;
import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.result.ResultSummary;
import autoglm.rules.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges a current result against a baseline: each threshold's metric, then the findings, then how the
 * current run ended. A change past its limit fails when Welch's t-test puts it beyond noise, or when the
 * metrics carry no spread to test (then the limit alone decides), or when the median (p50) moved past the
 * limit too, so one outlier that widens the spread cannot hide a shift of the whole distribution; past the
 * limit but within noise otherwise it is NOISE, which fails only with {@code within_noise: fail}.
 * Statistics of a spread (p99...) are single order statistics: no t-test. A metric the baseline has and
 * the current result lacks is MISSING (a failure) unless its threshold is optional; one the baseline lacks
 * is SKIPPED; a value that is not a finite number on either side is BAD (a failure). docs/gate.md.
 */
public final class Gate {
    private Gate() {
    }

    public static GateResult evaluate(ResultSummary base, ResultSummary cur, GateThresholds t) {
        return evaluate(base, cur, t, false);
    }

    public static GateResult evaluate(ResultSummary base, ResultSummary cur, GateThresholds t, boolean allowIncomplete) {
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
        return new GateResult(base.source(), cur.source(), t, List.copyOf(checks), List.copyOf(findings), base.run(),
                cur.run(), allowIncomplete);
    }

    static GateCheck check(Threshold th, Metric base, Metric cur, GateThresholds t) {
        Unit unit = MetricCatalog.get(th.metric()).unit();
        if (base == null || !base.present()) {
            return GateCheck.skipped(th, unit, base, cur, "not in the baseline" + why(base));
        }
        if (cur == null || !cur.present()) {
            return th.optional()
                    ? GateCheck.skipped(th, unit, base, cur, "not in the current result" + why(cur) + "; optional")
                    : GateCheck.unjudged(GateCheck.Status.MISSING, th, unit, base, cur,
                            "in the baseline but not in the current result" + why(cur));
        }
        double b = th.stat() == null ? base.value() : base.spread().get(th.stat());
        double c = th.stat() == null ? cur.value() : cur.spread().get(th.stat());
        if (!Double.isFinite(base.value()) || !Double.isFinite(cur.value())) {
            String side = !Double.isFinite(base.value()) ? "the baseline's" : "the current";
            double bad = !Double.isFinite(base.value()) ? base.value() : cur.value();
            return new GateCheck(th, unit, GateCheck.Status.BAD, b, c, base.n(), cur.n(), Double.NaN,
                    WelchTest.notApplicable("a bad value"), side + " value is " + bad + ", not a finite number");
        }
        WelchTest noise;
        if (th.stat() == null) {
            noise = WelchTest.of(base, cur);
        } else {
            String what = "no " + th.stat() + " in ";
            if (Double.isNaN(b)) {
                return GateCheck.skipped(th, unit, base, cur, what + "the baseline (one sample, or no spread)");
            }
            if (Double.isNaN(c)) {
                return th.optional()
                        ? GateCheck.skipped(th, unit, base, cur, what + "the current result (one sample, or no spread); optional")
                        : GateCheck.unjudged(GateCheck.Status.MISSING, th, unit, base, cur,
                                what + "the current result (one sample, or no spread), while the baseline has one");
            }
            if (!Double.isFinite(b) || !Double.isFinite(c)) {
                return new GateCheck(th, unit, GateCheck.Status.BAD, b, c, base.n(), cur.n(), Double.NaN,
                        WelchTest.notApplicable("a bad value"), "the " + th.stat() + " is not a finite number");
            }
            noise = WelchTest.notApplicable(th.stat() + " is one order statistic: no t-test");
        }
        double w = th.worsening(b, c);
        GateCheck.Status status;
        String reason;
        if (!th.exceeded(b, c)) {
            status = GateCheck.Status.PASS;
            reason = null;
        } else if (noise.applicable() && !noise.beyond(t.alpha())) {
            double mb = base.spread().p50();
            double mc = cur.spread().p50();
            String p = "Welch's t-test p = " + String.format(Locale.ROOT, "%.3g", noise.p()) + " >= " + t.alpha();
            if (Double.isFinite(mb) && Double.isFinite(mc) && th.exceeded(mb, mc)) {
                status = GateCheck.Status.FAIL;
                reason = "past the limit; the mean is within noise (" + p + "), but the median moved past the limit too ("
                        + Quantities.format(mb, unit) + " -> " + Quantities.format(mc, unit)
                        + "): an outlier widened the spread, the distribution moved";
            } else {
                status = t.failWithinNoise() ? GateCheck.Status.FAIL : GateCheck.Status.NOISE;
                reason = "past the limit, but within noise (" + p + ")"
                        + (Double.isFinite(mb) && Double.isFinite(mc) ? " and the median is within the limit" : "");
            }
        } else {
            status = GateCheck.Status.FAIL;
            reason = noise.applicable() ? "past the limit and beyond noise (Welch's t-test p = "
                    + String.format(Locale.ROOT, "%.3g", noise.p()) + " < " + t.alpha() + ")"
                    : "past the limit (" + noise.reason() + ": the limit alone decides)";
        }
        return new GateCheck(th, unit, status, b, c, base.n(), cur.n(), w, noise, reason);
    }

    private static String why(Metric m) {
        return m == null || m.reason() == null ? "" : " (" + m.reason() + ")";
    }
}
