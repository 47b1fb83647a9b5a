package autoglm.analyse;

import java.util.Arrays;

/**
 * One latency (or token) distribution of a load run as vLLM's bench serve and GuideLLM report it: count, mean,
 * median, sample standard deviation, p90, p95, p99 (R-7 quantiles), min, max, and the population standard
 * deviation (numpy's default, which vLLM's std_*_ms are). No formatting here.
 */
public record LoadStats(long n, double mean, double median, double stdev, double p90, double p95, double p99,
        double min, double max, double populationStdev) {
    public static final LoadStats EMPTY = new LoadStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** The NaN values are left out (a request without the quantity). */
    public static LoadStats of(double[] values) {
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return EMPTY;
        }
        return new LoadStats(v.length, Stats.mean(v, v.length), Stats.quantileSorted(v, v.length, 0.5),
                Stats.stdev(v, v.length), Stats.quantileSorted(v, v.length, 0.9), Stats.quantileSorted(v, v.length, 0.95),
                Stats.quantileSorted(v, v.length, 0.99), v[0], v[v.length - 1],
                new org.apache.commons.math3.stat.descriptive.moment.StandardDeviation(false).evaluate(v));
    }

    public Spread spread() {
        return new Spread(min, median, p95, p99, max, stdev);
    }
}
