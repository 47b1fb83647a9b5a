package autoglm.rules;

/**
 * One count a rule's verdict is made from (rules/*.yaml {@code counts}, docs/analyses.md "Counts"): the events
 * ({@code of}, plural: "long gaps between tokens"), read as a metric's sample count ({@code metric.n}) or as the value
 * of a count metric ({@code metric}); {@code min} and {@code full} name two of the rule's count thresholds. Below
 * {@code min} the rule is not applicable: too few to judge. From {@code min} on, its score is weighed by
 * {@link #weight}: √(n / full), at most 1.
 */
public record CountGate(String of, String metric, boolean sampleCount, String min, String full) {

    /** As written in the rule file: {@code served_itl_gaps_in_long_steps_pct.n} or {@code turns}. */
    public String source() {
        return metric + (sampleCount ? ".n" : "");
    }

    /**
     * The score's weight for {@code n} events where {@code full} give full weight: √(n / full), at most 1. The
     * standard error of a share or mean from n events goes as 1/√n, so this is the ratio of the error at
     * {@code full} events to that at n.
     */
    public static double weight(double n, double full) {
        if (!(full > 0) || n >= full) {
            return 1;
        }
        return Math.sqrt(Math.max(0, n) / full);
    }
}
