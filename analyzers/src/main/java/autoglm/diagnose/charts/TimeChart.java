package autoglm.diagnose.charts;

import java.util.List;

/**
 * A chart over time: its lines, the axis titles (each with its unit), the y range ({@code yMax} NaN: automatic),
 * where the data came from and how many samples it holds. {@code right}: lines drawn against a second y axis
 * titled {@code rightLabel} (a quantity of another scale, such as a process's CPU in cores beside the machine's
 * share); {@code excluded}: x ranges left out of the statistics (the start-up and tail of a run), each
 * {@code {from, to}} with its label in {@code excludedLabels}, shaded on the chart.
 */
public record TimeChart(String id, String title, String xLabel, String yLabel, double yMax, List<Series> series,
        String source, long n, String rightLabel, List<Series> right, List<double[]> excluded,
        List<String> excludedLabels) {

    public TimeChart(String id, String title, String xLabel, String yLabel, double yMax, List<Series> series,
            String source, long n) {
        this(id, title, xLabel, yLabel, yMax, series, source, n, null, List.of(), List.of(), List.of());
    }

    /** The same chart with the x ranges the statistics left out. */
    public TimeChart withExcluded(List<double[]> ranges, List<String> labels) {
        return new TimeChart(id, title, xLabel, yLabel, yMax, series, source, n, rightLabel, right, List.copyOf(ranges),
                List.copyOf(labels));
    }
}
