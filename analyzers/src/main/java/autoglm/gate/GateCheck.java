package autoglm.gate;

import autoglm.analyse.WelchTest;
import autoglm.analyse.Metric;
import autoglm.analyse.Unit;

/**
 * One metric judged by the gate. {@code baseline} and {@code current} are the compared numbers (the
 * value, or the selected statistic); {@code worsening} is how much worse current is, in the threshold's
 * terms (percent for a relative limit, else the metric's unit), negative when it improved.
 */
public record GateCheck(Threshold threshold, Unit unit, Status status, double baseline, double current,
        long baselineN, long currentN, double worsening, WelchTest noise, String reason) {

    /**
     * PASS within the limit; FAIL past it; NOISE past it but not beyond noise; SKIPPED not in the baseline
     * (or optional and not in the current result); MISSING in the baseline but not in the current result;
     * BAD a value that is not a finite number (NaN, an overflow). MISSING and BAD fail like FAIL.
     */
    public enum Status {
        PASS, FAIL, NOISE, SKIPPED, MISSING, BAD;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Whether this check fails the gate: FAIL, MISSING or BAD. */
    public boolean failed() {
        return status == Status.FAIL || status == Status.MISSING || status == Status.BAD;
    }

    /** Whether both results had the metric, so that it was judged (BAD included: both sides had a value). */
    public boolean compared() {
        return status == Status.PASS || status == Status.FAIL || status == Status.NOISE || status == Status.BAD;
    }

    /** The metric name with its statistic: "e2e_ms.p99". */
    public String selector() {
        return threshold.stat() == null ? threshold.metric() : threshold.metric() + "." + threshold.stat();
    }

    public double delta() {
        return current - baseline;
    }

    /** Change relative to the baseline, percent; NaN when the baseline is 0 or the unit is a signed rate. */
    public double deltaPct() {
        // a signed rate (a slope, a trend) changes by its difference alone: -725 to -102 ms per step is no "+86%"
        return baseline == 0 || unit != null && unit.signed() ? Double.NaN
                : 100 * (current - baseline) / Math.abs(baseline);
    }

    static GateCheck skipped(Threshold t, Unit unit, Metric base, Metric cur, String reason) {
        return unjudged(Status.SKIPPED, t, unit, base, cur, reason);
    }

    static GateCheck unjudged(Status status, Threshold t, Unit unit, Metric base, Metric cur, String reason) {
        return new GateCheck(t, unit, status, Double.NaN, Double.NaN, base == null ? 0 : base.n(),
                cur == null ? 0 : cur.n(), Double.NaN, WelchTest.notApplicable(reason), reason);
    }
}
