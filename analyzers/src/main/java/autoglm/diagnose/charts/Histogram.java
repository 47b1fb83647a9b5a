package autoglm.diagnose.charts;

import autoglm.analyse.Spread;
import autoglm.analyse.Unit;

/**
 * Counts of samples in bins: {@code edges} has one more entry than {@code counts}. {@code logX}: the
 * bins grow geometrically and the axis is logarithmic. {@code n} and {@code spread} describe all samples.
 * {@code xUnit}: the unit of the x values (tick labels are written in it, "1 us", "10 us", "1 ms"); {@code yLabel}:
 * what is counted ("requests", "gaps").
 */
public record Histogram(String id, String title, String xLabel, boolean logX, double[] edges, long[] counts, long n,
        Spread spread, String source, Unit xUnit, String yLabel) {
}
