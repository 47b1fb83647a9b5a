package autoglm.rules;

/**
 * What fixing a finding is worth. {@code kind} is "estimated" (by the rule's formula), "measured" (the workload
 * was re-run with the fix), "not estimated" (the rule has no gain model: {@code basis} says why) or "not
 * applicable" (the formula has no value here). {@code percent} is the share of iteration time saved (NaN without
 * an estimate); {@code msPerStep} the same in milliseconds per iteration (NaN when there are no iterations).
 */
public record Gain(String kind, double percent, double msPerStep, String formula, String basis) {
    public static final String ESTIMATED = "estimated";
    public static final String MEASURED = "measured";
    public static final String NOT_ESTIMATED = "not estimated";
    public static final String NOT_APPLICABLE = "not applicable";

    /** The gain of a finding that is not reported (ok, not applicable): nothing to gain. */
    public static Gain none() {
        return new Gain(ESTIMATED, 0, Double.NaN, "", "");
    }

    /** No estimate: the formula has no value here (a zero denominator); {@code percent} is NaN. */
    public static Gain notApplicable(String formula, String why) {
        return new Gain(NOT_APPLICABLE, Double.NaN, Double.NaN, formula, why);
    }

    /** No estimate by design: the rule has no gain model, for the reason given. */
    public static Gain notEstimated(String why) {
        return new Gain(NOT_ESTIMATED, Double.NaN, Double.NaN, "", why);
    }

    /** Whether there is a number: estimated or measured. */
    public boolean applicable() {
        return !Double.isNaN(percent);
    }
}
