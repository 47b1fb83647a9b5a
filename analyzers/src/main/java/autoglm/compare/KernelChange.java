package autoglm.compare;

/**
 * One kernel name in two results. Counts and times are per iteration when both results have
 * iterations (so a 10-step trace compares with a 20-step one), else totals over the analysed window;
 * {@code totalMsA}/{@code totalMsB} are always the raw totals. Times in milliseconds.
 */
public record KernelChange(String name, String family, Status status, long countA, long countB, double totalMsA,
        double totalMsB, double perA, double perB, double countPerA, double countPerB) {

    /** ADDED only in B; REMOVED only in A; GREW or SHRANK past the tolerance; SAME within it. */
    public enum Status {
        ADDED, REMOVED, GREW, SHRANK, SAME;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** B minus A, in the compared time (per iteration or total), milliseconds. */
    public double deltaMs() {
        return perB - perA;
    }

    /** Change relative to A, percent; NaN for added kernels. */
    public double deltaPct() {
        return perA == 0 ? Double.NaN : 100 * (perB - perA) / perA;
    }
}
