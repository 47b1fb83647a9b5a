package autoglm.diagnose.charts;

import java.util.List;

/**
 * A chart over time: its lines, the axis labels, the y range ({@code yMax} NaN: automatic), where the
 * data came from and how many samples it holds.
 */
public record TimeChart(String id, String title, String xLabel, String yLabel, double yMax, List<Series> series,
        String source, long n) {
}
