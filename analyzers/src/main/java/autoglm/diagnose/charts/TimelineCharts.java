package autoglm.diagnose.charts;

import autoglm.analyse.TraceAnalysis;
import autoglm.analyse.Window;
import autoglm.model.trace.GpuActivities;
import java.util.List;

/** Charts of a trace's timeline, on the analysed device and window. */
final class TimelineCharts {
    private TimelineCharts() {
    }

    /**
     * The share of each of {@code buckets} equal slices of the window during which any GPU activity ran
     * on the analysed device (the union over its streams, as HTA's temporal breakdown counts busy time).
     */
    static TimeChart busyOverTime(TraceAnalysis t, int buckets) {
        GpuActivities gpu = t.model().gpu();
        Window w = t.window();
        int dev = w.device();
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        int rows = 0;
        for (int r = 0; r < gpu.size(); r++) {
            if (gpu.device(r) == dev && w.contains(r)) {
                from = Math.min(from, gpu.start(r));
                to = Math.max(to, gpu.end(r));
                rows++;
            }
        }
        if (rows == 0 || to <= from) {
            return null;
        }
        long[][] iv = new long[rows][];
        int k = 0;
        for (int r = 0; r < gpu.size(); r++) {
            if (gpu.device(r) == dev && w.contains(r)) {
                iv[k++] = new long[] {gpu.start(r), gpu.end(r)};
            }
        }
        java.util.Arrays.sort(iv, (a, b) -> Long.compare(a[0], b[0]));
        double width = (double) (to - from) / buckets;
        double[] busy = new double[buckets];
        long curS = iv[0][0];
        long curE = iv[0][1];
        for (int i = 1; i <= rows; i++) {
            if (i < rows && iv[i][0] <= curE) {
                curE = Math.max(curE, iv[i][1]);
                continue;
            }
            spread(busy, from, width, curS, curE);
            if (i < rows) {
                curS = iv[i][0];
                curE = iv[i][1];
            }
        }
        double[] x = new double[buckets];
        double[] y = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            x[b] = (b + 0.5) * width / 1e6;
            y[b] = Math.min(100, 100 * busy[b] / width);
        }
        return new TimeChart("gpu-busy", "GPU busy over time (trace, device " + dev + ")",
                "time from the first GPU activity of the window, ms", "busy, %", 100,
                List.of(new Series("busy (any kernel, copy or memset)", x, y)),
                buckets + " slices of " + String.format(java.util.Locale.ROOT, "%.3g", width / 1e6)
                        + " ms over the GPU activities of the window", rows);
    }

    /** Adds the busy interval [s, e) to the buckets it overlaps. */
    private static void spread(double[] busy, long from, double width, long s, long e) {
        int b0 = (int) Math.min(busy.length - 1, (s - from) / width);
        int b1 = (int) Math.min(busy.length - 1, (e - from) / width);
        for (int b = b0; b <= b1; b++) {
            double lo = from + b * width;
            double hi = lo + width;
            busy[b] += Math.max(0, Math.min(hi, e) - Math.max(lo, s));
        }
    }

    /** The CPU-side time of each iteration of the window, milliseconds. */
    static Histogram iterationTimes(TraceAnalysis t) {
        Window w = t.window();
        int n = w.iterations();
        if (n < 2 || w.basis() == Window.Basis.WHOLE_TRACE) {
            return null;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (w.iterationEnd(i) - w.iterationStart(i)) / 1e6;
        }
        return Bins.latency("step-times", "Iteration time", "iteration time (CPU side)", v, n,
                n + " iterations: " + w.basis().text(), "iterations");
    }

    /** Gaps between consecutive GPU activities on each stream of the analysed device, in the window, microseconds. */
    static Histogram gaps(TraceAnalysis t) {
        GpuActivities gpu = t.model().gpu();
        Window w = t.window();
        double[] v = new double[Math.max(16, gpu.size())];
        int n = 0;
        for (GpuActivities.StreamRange sr : gpu.streams()) {
            if (sr.device() != w.device()) {
                continue;
            }
            long prevEnd = Long.MIN_VALUE;
            for (int r = sr.from(); r < sr.to(); r++) {
                if (!w.contains(r)) {
                    continue;
                }
                if (prevEnd != Long.MIN_VALUE && gpu.start(r) > prevEnd) {
                    v[n++] = (gpu.start(r) - prevEnd) / 1e3;
                }
                prevEnd = Math.max(prevEnd, gpu.end(r));
            }
        }
        if (n == 0) {
            return null;
        }
        return Bins.log("kernel-gaps", "Gaps between GPU activities (per stream)", "gap (log scale)", v, n,
                n + " gaps on the streams of device " + w.device(), autoglm.analyse.Unit.MICROSECONDS, "gaps");
    }
}
