package autoglm.analyse;

import java.util.Arrays;

/**
 * Statistics of sampled values where each sample stands for the period before it (NVML's utilization
 * and GPM's metrics are averages over the period that ends when they are read): sample i covers
 * (t[i-1], t[i]], the first one its nominal interval. Only the part of that period inside the window
 * counts, so the mean and quantiles are time-weighted; missing values (NaN) leave their period out.
 * No formatting here.
 */
public final class TimeWeighted {
    /** Time-weighted mean, weighted quantiles, min, max and weighted standard deviation, with the sample count. */
    public record Result(double mean, Spread spread, long n, double coveredMs) {
        public static final Result EMPTY = new Result(Double.NaN, Spread.NONE, 0, 0);

        public boolean isEmpty() {
            return n == 0;
        }
    }

    private final double[] values;
    private final double[] weights;
    private int n;

    public TimeWeighted(int capacity) {
        values = new double[Math.max(1, capacity)];
        weights = new double[Math.max(1, capacity)];
    }

    /**
     * Adds a series of one source (one GPU, say): sample i at times[i] with values[i], each covering the
     * period since the previous sample (the first: nominalMs), clipped to [windowStart, windowEnd].
     */
    public TimeWeighted addSeries(double[] times, double[] vals, int count, double nominalMs, double windowStart,
            double windowEnd) {
        for (int i = 0; i < count; i++) {
            add(vals[i], i == 0 ? times[i] - nominalMs : times[i - 1], times[i], windowStart, windowEnd);
        }
        return this;
    }

    /** Adds one value covering (from, to], weighted by the part of it inside [windowStart, windowEnd]. */
    public TimeWeighted add(double value, double from, double to, double windowStart, double windowEnd) {
        double w = overlap(from, to, windowStart, windowEnd);
        if (w > 0 && !Double.isNaN(value)) {
            values[n] = value;
            weights[n] = w;
            n++;
        }
        return this;
    }

    /** Length of (from, to] inside [windowStart, windowEnd]; zero or less when they do not meet. */
    public static double overlap(double from, double to, double windowStart, double windowEnd) {
        return Math.min(to, windowEnd) - Math.max(from, windowStart);
    }

    public Result result() {
        if (n == 0) {
            return Result.EMPTY;
        }
        double sw = 0;
        double sv = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            sw += weights[i];
            sv += values[i] * weights[i];
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
        }
        double mean = sv / sw;
        double var = 0;
        for (int i = 0; i < n; i++) {
            double d = values[i] - mean;
            var += weights[i] * d * d;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        Spread s = new Spread(min, quantile(order, sw, 0.5), quantile(order, sw, 0.95),
                quantile(order, sw, 0.99), max,
                n > 1 ? Math.sqrt(var / sw) : Double.NaN);
        return new Result(mean, s, n, sw);
    }

    /** The smallest value whose cumulative weight reaches q of the total. */
    private double quantile(Integer[] order, double total, double q) {
        double target = q * total;
        double cum = 0;
        for (Integer i : order) {
            cum += weights[i];
            if (cum >= target - 1e-9 * total) {
                return values[i];
            }
        }
        return values[order[order.length - 1]];
    }
}
