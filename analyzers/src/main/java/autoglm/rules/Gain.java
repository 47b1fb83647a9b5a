package autoglm.rules;

/**
 * What fixing a finding is worth. {@code kind} is "estimated" (by the rule's formula), "measured" (the workload
 * was re-run with the fix), "not estimated" (the rule has no gain model: {@code basis} says why) or "not
 * applicable" (the formula has no value here). {@code percent} is the share of {@code base} saved (NaN without
 * an estimate; {@code base} is null where there is none); {@code msPerStep} the same in milliseconds per iteration
 * (NaN when there are no iterations, or the base is not iteration time or the GPU span). {@code bound} is the share
 * of the base the cause takes, which the estimate cannot pass (the rule's {@code gain.bound}, {@code boundFormula};
 * NaN where none was evaluated), and {@code capped} says the formula gave more than min(100, bound).
 */
public record Gain(String kind, double percent, double msPerStep, String formula, String basis, GainBase base,
        double bound, String boundFormula, boolean capped) {
    public static final String ESTIMATED = "estimated";
    public static final String MEASURED = "measured";
    public static final String NOT_ESTIMATED = "not estimated";
    public static final String NOT_APPLICABLE = "not applicable";

    /** A gain without a bound (a measured one, or one made in a test). */
    public Gain(String kind, double percent, double msPerStep, String formula, String basis, GainBase base) {
        this(kind, percent, msPerStep, formula, basis, base, Double.NaN, "", false);
    }

    /** The gain of a finding that is not reported (ok, not applicable): nothing to gain. */
    public static Gain none() {
        return new Gain(ESTIMATED, 0, Double.NaN, "", "", null);
    }

    /** No estimate: the formula has no value here (a zero denominator); {@code percent} is NaN. */
    public static Gain notApplicable(String formula, String why, GainBase base) {
        return new Gain(NOT_APPLICABLE, Double.NaN, Double.NaN, formula, why, base);
    }

    /** No estimate by design: the rule has no gain model, for the reason given. */
    public static Gain notEstimated(String why) {
        return new Gain(NOT_ESTIMATED, Double.NaN, Double.NaN, "", why, null);
    }

    /** Whether there is a number: estimated or measured. */
    public boolean applicable() {
        return !Double.isNaN(percent);
    }
}
