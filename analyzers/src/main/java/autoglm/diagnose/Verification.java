package autoglm.diagnose;

import autoglm.analyse.Metric;
import java.util.List;
import java.util.Map;

/**
 * One fix proven (or not) by re-running the workload: the rule, the knobs that applied its fix, and the
 * headline metrics before (the baseline run) and after (the re-run), both measured in the same invocation.
 * {@code status} MEASURED has comparisons; NOT_RUN and FAILED say why in {@code reason}, and the finding
 * keeps its estimated gain. {@code run} is the re-run's folder name.
 */
public record Verification(String rule, Map<String, String> knobs, Status status, String reason, String run,
        List<Comparison> comparisons) {

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

    /** A metric before and after; {@code factor} is after / before (NaN when either is absent or zero). */
    public record Comparison(String metric, Metric before, Metric after, boolean lowerIsBetter) {
        public double factor() {
            if (!before.present() || !after.present() || before.value() == 0) {
                return Double.NaN;
            }
            return after.value() / before.value();
        }

        /** How many times better the fix made it: > 1 is an improvement, whichever way the metric points. */
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

    public Comparison comparison(String metric) {
        for (Comparison c : comparisons) {
            if (c.metric().equals(metric)) {
                return c;
            }
        }
        return null;
    }
}
