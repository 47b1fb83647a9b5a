package autoglm.util;

/** Sorts row indices by a comparison of rows (stable merge sort on a primitive int array). */
public final class IndexSort {
    /** Compares rows a and b of some columnar table. */
    @FunctionalInterface
    public interface RowComparator {
        int compare(int a, int b);
    }

    private IndexSort() {
    }

    /** Returns 0..n-1 ordered by {@code cmp}; equal rows keep their original order. */
    public static int[] order(int n, RowComparator cmp) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (n < 2 || isSorted(idx, cmp)) {
            return idx;
        }
        int[] tmp = new int[n];
        sort(idx, tmp, 0, n, cmp);
        return idx;
    }

    private static boolean isSorted(int[] idx, RowComparator cmp) {
        for (int i = 1; i < idx.length; i++) {
            if (cmp.compare(idx[i - 1], idx[i]) > 0) {
                return false;
            }
        }
        return true;
    }

    private static void sort(int[] a, int[] tmp, int from, int to, RowComparator cmp) {
        int n = to - from;
        if (n < 24) {
            for (int i = from + 1; i < to; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= from && cmp.compare(a[j], v) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        sort(a, tmp, from, mid, cmp);
        sort(a, tmp, mid, to, cmp);
        if (cmp.compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, from, tmp, from, n);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            a[k++] = cmp.compare(tmp[j], tmp[i]) < 0 ? tmp[j++] : tmp[i++];
        }
        while (i < mid) {
            a[k++] = tmp[i++];
        }
        while (j < to) {
            a[k++] = tmp[j++];
        }
    }

    public static long[] permute(long[] col, int[] order) {
        long[] out = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = col[order[i]];
        }
        return out;
    }

    public static int[] permute(int[] col, int[] order) {
        int[] out = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = col[order[i]];
        }
        return out;
    }

    public static float[] permute(float[] col, int[] order) {
        float[] out = new float[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = col[order[i]];
        }
        return out;
    }

    public static byte[] permute(byte[] col, int[] order) {
        byte[] out = new byte[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = col[order[i]];
        }
        return out;
    }
}
