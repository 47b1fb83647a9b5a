package autoglm.analyse;

import java.util.Arrays;

/** Plain statistics over samples. No formatting here. */
public final class Stats {
    private Stats() {
    }

    /** Quantile q in [0,1] of sorted values, linear between closest ranks (numpy's default). */
    public static double quantileSorted(double[] sorted, int n, double q) {
        if (n == 0) {
            return Double.NaN;
        }
        double pos = q * (n - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(n - 1, lo + 1);
        double frac = pos - lo;
        return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
    }

    public static double mean(double[] v, int n) {
        if (n == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += v[i];
        }
        return s / n;
    }

    /** Sample standard deviation (n - 1); NaN below two samples. */
    public static double stdev(double[] v, int n) {
        if (n < 2) {
            return Double.NaN;
        }
        double m = mean(v, n);
        double s = 0;
        for (int i = 0; i < n; i++) {
            double d = v[i] - m;
            s += d * d;
        }
        return Math.sqrt(s / (n - 1));
    }

    /** Min, median, p95, max and standard deviation of the first n values (the array is not changed). */
    public static Spread spread(double[] v, int n) {
        if (n == 0) {
            return Spread.NONE;
        }
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return new Spread(s[0], quantileSorted(s, n, 0.5), quantileSorted(s, n, 0.95),
                quantileSorted(s, n, 0.99), s[n - 1], stdev(v, n));
    }

    public static double median(double[] v, int n) {
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return quantileSorted(s, n, 0.5);
    }

    /** Least-squares line y = a + b x over x = 0..n-1: {intercept, slope, r2}. */
    public static double[] linearFit(double[] y, int n) {
        if (n < 2) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        double mx = (n - 1) / 2.0;
        double my = mean(y, n);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = i - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        double slope = sxy / sxx;
        double r2 = syy == 0 ? 0 : (sxy * sxy) / (sxx * syy);
        return new double[] {my - slope * mx, slope, r2};
    }
}
