package autoglm.analyse.load;

import autoglm.analyse.Spread;
import autoglm.analyse.Stats;
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
        // one Percentile for the four quantiles: it copies the data once, as Stats.spread does
        org.apache.commons.math3.stat.descriptive.rank.Percentile p =
                new org.apache.commons.math3.stat.descriptive.rank.Percentile()
                        .withEstimationType(org.apache.commons.math3.stat.descriptive.rank.Percentile.EstimationType.R_7);
        p.setData(v);
        return new LoadStats(v.length, Stats.mean(v, v.length), p.evaluate(50), Stats.stdev(v, v.length),
                p.evaluate(90), p.evaluate(95), p.evaluate(99), v[0], v[v.length - 1],
                new org.apache.commons.math3.stat.descriptive.moment.StandardDeviation(false).evaluate(v));
    }

    public Spread spread() {
        return new Spread(min, median, p95, p99, max, stdev);
    }
}
