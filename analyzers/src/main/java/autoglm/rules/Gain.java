package autoglm.rules;

/**
 * What fixing a finding is worth. {@code kind} is "estimated" (from the trace, by the rule's
 * formula) or "measured" (the workload was re-run with the fix). {@code percent} is the share of
 * iteration time saved; {@code msPerStep} the same in milliseconds per iteration (NaN when the trace
 * has no iterations).
 */
public record Gain(String kind, double percent, double msPerStep, String formula, String basis) {
    public static Gain none() {
        return new Gain("estimated", 0, Double.NaN, "", "");
    }

    /** No estimate: the formula has no value here (a zero denominator); {@code percent} is NaN. */
    public static Gain notApplicable(String formula, String why) {
        return new Gain("not applicable", Double.NaN, Double.NaN, formula, why);
    }

    public boolean applicable() {
        return !Double.isNaN(percent);
    }
}
