package autoglm.diagnose.charts;

import autoglm.analyse.Stats;
import autoglm.analyse.Unit;

/** Binning of samples into histograms: linear (Freedman-Diaconis-like count, 5 to 40 bins) or logarithmic. */
final class Bins {
    private Bins() {
    }

    /** Latencies above this many milliseconds are drawn in seconds. */
    static final double SECONDS_FROM_MS = 10_000;

    /**
     * A latency distribution from milliseconds: in seconds when the largest value is at least
     * {@value #SECONDS_FROM_MS} ms, so that axes read "12 s" rather than "12,000 ms". {@code what} names the axis
     * ("time to first token"), the unit is appended; {@code counted}: what a bar counts.
     */
    static Histogram latency(String id, String title, String what, double[] ms, int n, String source, String counted) {
        double max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, ms[i]);
        }
        if (max >= SECONDS_FROM_MS) {
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = ms[i] / 1000;
            }
            return linear(id, title, what + ", s", s, n, source, Unit.SECONDS, counted);
        }
        return linear(id, title, what + ", ms", ms, n, source, Unit.MILLISECONDS, counted);
    }

    static Histogram linear(String id, String title, String xLabel, double[] v, int n, String source, Unit unit,
            String counted) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, v[i]);
            max = Math.max(max, v[i]);
        }
        int bins = (int) Math.max(5, Math.min(40, Math.ceil(Math.sqrt(n))));
        if (max == min) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.05;
            min -= pad;
            max += pad;
        }
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = min + (max - min) * i / bins;
        }
        return new Histogram(id, title, xLabel, false, edges, count(v, n, edges), n, Stats.spread(v, n), source, unit,
                counted);
    }

    /** Four bins per decade, from the decade below the smallest positive sample to the one above the largest. */
    static Histogram log(String id, String title, String xLabel, double[] v, int n, String source, Unit unit,
            String counted) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int i = 0; i < n; i++) {
            if (v[i] > 0) {
                min = Math.min(min, v[i]);
                max = Math.max(max, v[i]);
            }
        }
        int lo = (int) Math.floor(Math.log10(min));
        int hi = (int) Math.ceil(Math.log10(max));
        if (hi == lo) {
            hi++;
        }
        int bins = (hi - lo) * 4;
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = Math.pow(10, lo + i / 4.0);
        }
        return new Histogram(id, title, xLabel, true, edges, count(v, n, edges), n, Stats.spread(v, n), source, unit,
                counted);
    }

    private static long[] count(double[] v, int n, double[] edges) {
        long[] c = new long[edges.length - 1];
        for (int i = 0; i < n; i++) {
            int k = java.util.Arrays.binarySearch(edges, v[i]);
            int bin = k >= 0 ? k : -k - 2;
            if (bin >= c.length) {
                bin = c.length - 1;
            }
            if (bin >= 0) {
                c[bin]++;
            }
        }
        return c;
    }
}
