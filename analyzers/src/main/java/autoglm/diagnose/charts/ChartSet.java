package autoglm.diagnose.charts;

import java.util.List;

/** Every chart of a report, computed: reports draw them, they compute nothing. */
public record ChartSet(List<TimeChart> timelines, List<Histogram> histograms, Bars topKernels) {
    public static final ChartSet EMPTY = new ChartSet(List.of(), List.of(), null);

    public int size() {
        return timelines.size() + histograms.size() + (topKernels == null ? 0 : 1);
    }
}
