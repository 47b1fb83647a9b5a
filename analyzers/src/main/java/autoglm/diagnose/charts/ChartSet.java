package autoglm.diagnose.charts;

import java.util.List;

/** Every chart of a report, computed: reports draw them, they compute nothing. {@code load}: a load run's timeline, or null. */
public record ChartSet(List<TimeChart> timelines, List<Histogram> histograms, Bars topKernels, LoadTimeline load) {
    public static final ChartSet EMPTY = new ChartSet(List.of(), List.of(), null, null);

    public ChartSet(List<TimeChart> timelines, List<Histogram> histograms, Bars topKernels) {
        this(timelines, histograms, topKernels, null);
    }

    public int size() {
        return timelines.size() + histograms.size() + (topKernels == null ? 0 : 1) + (load == null ? 0 : 1);
    }
}
