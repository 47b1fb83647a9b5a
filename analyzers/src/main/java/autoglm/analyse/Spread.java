package autoglm.analyse;

/**
 * How the samples behind a metric vary: quantiles (p99 as vLLM's benchmarks report it) and the sample
 * standard deviation. Fields that do not apply are NaN.
 */
public record Spread(double min, double p50, double p95, double p99, double max, double stdev) {
    public static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    public boolean isEmpty() {
        return Double.isNaN(min) && Double.isNaN(p50) && Double.isNaN(p95) && Double.isNaN(p99) && Double.isNaN(max)
                && Double.isNaN(stdev);
    }

    /** A statistic by its name in gate thresholds and JSON: min, p50, p95, p99, max, stdev; null if unknown. */
    public Double get(String stat) {
        switch (stat) {
            case "min":
                return min;
            case "p50":
                return p50;
            case "p95":
                return p95;
            case "p99":
                return p99;
            case "max":
                return max;
            case "stdev":
                return stdev;
            default:
                return null;
        }
    }
}
