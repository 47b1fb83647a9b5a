package autoglm.rules;

/**
 * How many events a finding was judged on: the count that limited it ({@code of}, {@code n}), the rule's minimum and
 * the count for full weight (thresholds, after --set), the weight that count gave the score ({@link CountGate#weight};
 * 0 when below the minimum, where the rule is not applicable) and the score before it was weighed. Data only.
 */
public record Counted(String of, String source, long n, double min, double full, double weight,
        double unweightedScore) {

    /** The same count once the rule's score before weighing is known. */
    Counted scored(double unweighted) {
        return new Counted(of, source, n, min, full, weight, unweighted);
    }

    /** Whether the count held the score down (fewer events than give full weight). */
    public boolean weighed() {
        return weight < 1;
    }
}
