package autoglm.analyse;

import autoglm.util.IndexSort;

/**
 * The union of time intervals: sorted, non-overlapping [start, end) pairs. Used for busy time
 * (HTA's merge_kernel_intervals) and for clipping to windows.
 */
public final class Intervals {
    private final long[] starts;
    private final long[] ends;
    private final int[] firstSource;
    private final int size;

    private Intervals(long[] starts, long[] ends, int[] firstSource, int size) {
        this.starts = starts;
        this.ends = ends;
        this.firstSource = firstSource;
        this.size = size;
    }

    /**
     * Merges n intervals given by parallel arrays (any order). Intervals that touch are merged.
     * {@link #firstSource(int)} tells which input started each merged interval.
     */
    public static Intervals union(long[] s, long[] e, int n) {
        int[] order = IndexSort.order(n, (a, b) -> Long.compare(s[a], s[b]));
        long[] ms = new long[n];
        long[] me = new long[n];
        int[] src = new int[n];
        int k = -1;
        for (int idx = 0; idx < n; idx++) {
            int i = order[idx];
            if (k >= 0 && s[i] <= me[k]) {
                if (e[i] > me[k]) {
                    me[k] = e[i];
                }
            } else {
                k++;
                ms[k] = s[i];
                me[k] = e[i];
                src[k] = i;
            }
        }
        return new Intervals(ms, me, src, k + 1);
    }

    public int size() {
        return size;
    }

    public long start(int i) {
        return starts[i];
    }

    public long end(int i) {
        return ends[i];
    }

    /** Index (in the input arrays) of the interval that opened merged interval i. */
    public int firstSource(int i) {
        return firstSource[i];
    }

    public long total() {
        long t = 0;
        for (int i = 0; i < size; i++) {
            t += ends[i] - starts[i];
        }
        return t;
    }

    /** Time covered inside [from, to). */
    public long coveredWithin(long from, long to) {
        if (to <= from || size == 0) {
            return 0;
        }
        int i = firstEndingAfter(from);
        long t = 0;
        for (; i < size && starts[i] < to; i++) {
            t += Math.min(ends[i], to) - Math.max(starts[i], from);
        }
        return t;
    }

    /** Time covered by both this union and {@code other}. */
    public long overlap(Intervals other) {
        long t = 0;
        int i = 0;
        int j = 0;
        while (i < size && j < other.size) {
            long lo = Math.max(starts[i], other.starts[j]);
            long hi = Math.min(ends[i], other.ends[j]);
            if (hi > lo) {
                t += hi - lo;
            }
            if (ends[i] < other.ends[j]) {
                i++;
            } else {
                j++;
            }
        }
        return t;
    }

    /** Index of the first interval whose end is after t (binary search). */
    public int firstEndingAfter(long t) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
