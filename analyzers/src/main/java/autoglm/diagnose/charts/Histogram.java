package autoglm.diagnose.charts;

import autoglm.analyse.Spread;

/**
 * Counts of samples in bins: {@code edges} has one more entry than {@code counts}. {@code logX}: the
 * bins grow geometrically and the axis is logarithmic. {@code n} and {@code spread} describe all samples.
 */
public record Histogram(String id, String title, String xLabel, boolean logX, double[] edges, long[] counts, long n,
        Spread spread, String source) {
}
