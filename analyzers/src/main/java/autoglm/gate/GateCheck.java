package autoglm.gate;

import autoglm.analysis.Metric;
import autoglm.analysis.Unit;

/**
 * One metric judged by the gate. {@code baseline} and {@code current} are the compared numbers (the
 * value, or the selected statistic); {@code worsening} is how much worse current is, in the threshold's
 * terms (percent for a relative limit, else the metric's unit), negative when it improved.
 */
public record GateCheck(Threshold threshold, Unit unit, Status status, double baseline, double current,
        long baselineN, long currentN, double worsening, NoiseTest noise, String reason) {

    /** PASS within the limit; FAIL past it; NOISE past it but not beyond noise; SKIPPED not in both results. */
    public enum Status {
        PASS, FAIL, NOISE, SKIPPED;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The metric name with its statistic: "e2e_ms.p99". */
    public String selector() {
        return threshold.stat() == null ? threshold.metric() : threshold.metric() + "." + threshold.stat();
    }

    public double delta() {
        return current - baseline;
    }

    /** Change relative to the baseline, percent; NaN when the baseline is 0. */
    public double deltaPct() {
        return baseline == 0 ? Double.NaN : 100 * (current - baseline) / Math.abs(baseline);
    }

    static GateCheck skipped(Threshold t, Unit unit, Metric base, Metric cur, String reason) {
        return new GateCheck(t, unit, Status.SKIPPED, Double.NaN, Double.NaN, base == null ? 0 : base.n(),
                cur == null ? 0 : cur.n(), Double.NaN, NoiseTest.notApplicable(reason), reason);
    }
}
