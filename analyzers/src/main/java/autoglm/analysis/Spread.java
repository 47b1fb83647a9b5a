package autoglm.analysis;

/** How the samples behind a metric vary. Fields that do not apply are NaN. */
public record Spread(double min, double p50, double p95, double max, double stdev) {
    public static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    public boolean isEmpty() {
        return Double.isNaN(min) && Double.isNaN(p50) && Double.isNaN(p95) && Double.isNaN(max) && Double.isNaN(stdev);
    }
}
