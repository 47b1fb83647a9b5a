package autoglm.analyse;

import java.util.Arrays;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Plain statistics over samples, from commons-math3. No formatting here. Definitions (docs/analyses.md#statistics):
 * quantiles are commons-math3's {@link Percentile.EstimationType#R_7}, linear between the closest ranks (numpy's
 * default, Hyndman and Fan's type 7); the standard deviation is the sample one (n - 1); the line is ordinary least
 * squares. Time-weighted statistics are {@link TimeWeighted}'s (commons-math3 has no weighted quantile).
 */
public final class Stats {
    private Stats() {
    }

    /** Quantile q in [0,1] of the first n sorted values (R-7: linear between closest ranks); NaN when n is 0. */
    public static double quantileSorted(double[] sorted, int n, double q) {
        if (n == 0) {
            return Double.NaN;
        }
        if (q <= 0) {
            return sorted[0];
        }
        return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(sorted, 0, n,
                Math.min(100, q * 100));
    }

    public static double mean(double[] v, int n) {
        return n == 0 ? Double.NaN : StatUtils.mean(v, 0, n);
    }

    /** Sample standard deviation (n - 1); NaN below two samples. */
    public static double stdev(double[] v, int n) {
        return n < 2 ? Double.NaN : new StandardDeviation(true).evaluate(v, 0, n);
    }

    /** Min, median, p95, p99, max and standard deviation of the first n values (the array is not changed). */
    public static Spread spread(double[] v, int n) {
        if (n == 0) {
            return Spread.NONE;
        }
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        // one Percentile for the three quantiles: it copies the data once and keeps its pivots between them
        Percentile p = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        p.setData(s);
        return new Spread(s[0], p.evaluate(50), p.evaluate(95), p.evaluate(99), s[n - 1], stdev(v, n));
    }

    public static double median(double[] v, int n) {
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return quantileSorted(s, n, 0.5);
    }

    /** Least-squares line y = a + b x over x = 0..n-1: {intercept, slope, r2} (r2 is 0 for a flat series). */
    public static double[] linearFit(double[] y, int n) {
        if (n < 2) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        SimpleRegression r = new SimpleRegression();
        for (int i = 0; i < n; i++) {
            r.addData(i, y[i]);
        }
        double r2 = r.getTotalSumSquares() == 0 ? 0 : r.getRSquare();
        return new double[] {r.getIntercept(), r.getSlope(), r2};
    }
}
