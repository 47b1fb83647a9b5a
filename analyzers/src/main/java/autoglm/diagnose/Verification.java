package autoglm.diagnose;

import autoglm.analyse.Metric;
import java.util.List;
import java.util.Map;

/**
 * One fix proven (or not) by re-running the workload: the rule, the knobs that applied its fix, and the
 * headline metrics before (the baseline) and after (the re-runs), both measured in the same invocation, each side
 * {@code runs} times. {@code status} MEASURED has comparisons; NOT_RUN and FAILED say why in {@code reason}, and the
 * finding keeps its estimated gain. {@code run} is the (first) re-run's folder name. {@code workChange} is null when
 * the fix does the same work, else what it changes ("less work: ..."): such a gain is not the same work done faster.
 */
public record Verification(String rule, Map<String, String> knobs, Status status, String reason, String run,
        List<Comparison> comparisons, int runs, String workChange) {

    public Verification(String rule, Map<String, String> knobs, Status status, String reason, String run,
            List<Comparison> comparisons) {
        this(rule, knobs, status, reason, run, comparisons, 1, null);
    }

    public enum Status {
        MEASURED("measured"), NOT_RUN("not re-run"), FAILED("re-run failed");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * A metric before and after; {@code factor} is after / before, only where the metric cannot be negative (before
     * positive, after at least 0): a ratio of a signed quantity (a slope, a trend) means nothing, so it is NaN there,
     * as where either side is absent; {@code difference} (after - before) is always given. With several runs a side,
     * before and after are the medians of the runs, with n the runs and the spread over them. {@code p}: Welch's
     * two-sided p of the difference (over the runs' values, or over the samples of one run a side), NaN where it
     * cannot be computed.
     */
    public record Comparison(String metric, Metric before, Metric after, boolean lowerIsBetter, double p) {
        public Comparison(String metric, Metric before, Metric after, boolean lowerIsBetter) {
            this(metric, before, after, lowerIsBetter, Double.NaN);
        }

        /** Whether the difference is within noise: p known and at least alpha. */
        public boolean withinNoise(double alpha) {
            return !Double.isNaN(p) && p >= alpha;
        }

        /**
         * after / before where both are figures a ratio compares (before above 0, after at least 0, and not a signed
         * rate such as a slope: {@link autoglm.analyse.Unit#signed}), else NaN.
         */
        public double factor() {
            if (!before.present() || !after.present() || !(before.value() > 0) || !(after.value() >= 0)
                    || before.unit().signed()) {
                return Double.NaN;
            }
            return after.value() / before.value();
        }

        /** after - before, in the metric's unit; NaN where either side is absent. */
        public double difference() {
            if (!before.present() || !after.present()) {
                return Double.NaN;
            }
            return after.value() - before.value();
        }

        /**
         * How many times better the fix made it: > 1 is an improvement, whichever way the metric points; NaN where
         * {@link #factor} is (a signed quantity, a side absent) or 0.
         */
        public double speedup() {
            double f = factor();
            return Double.isNaN(f) || f == 0 ? Double.NaN : lowerIsBetter ? 1 / f : f;
        }
    }

    /** Knobs as the user types them: "padding=bucketed batch=8". */
    public static String knobText(Map<String, String> knobs) {
        StringBuilder sb = new StringBuilder();
        knobs.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }

    public static Verification notRun(String rule, Map<String, String> knobs, String reason) {
        return new Verification(rule, knobs, Status.NOT_RUN, reason, null, List.of());
    }

    /** The significance level below which a change is called beyond noise. */
    public static final double ALPHA = 0.05;

    public Comparison comparison(String metric) {
        for (Comparison c : comparisons) {
            if (c.metric().equals(metric)) {
                return c;
            }
        }
        return null;
    }
}
