package autoglm.diagnose.charts;

import autoglm.analyse.trace.TraceAnalysis;
import autoglm.analyse.trace.Window;
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

    /** Points drawn per stream of the launch-queue chart: the most launches waiting in each slice. */
    static final int QUEUE_POINTS = 400;

    /**
     * Launches waiting on each stream of the analysed device over the window (HTA's queue length): in each of
     * {@value #QUEUE_POINTS} slices, the most waiting at any moment of it; x in ms from the first GPU activity.
     */
    static TimeChart launchQueue(TraceAnalysis t) {
        GpuActivities gpu = t.model().gpu();
        int dev = t.window().device();
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        List<autoglm.analyse.trace.LaunchQueue> queues = new java.util.ArrayList<>();
        for (GpuActivities.StreamRange sr : gpu.streams()) {
            if (sr.device() != dev) {
                continue;
            }
            autoglm.analyse.trace.LaunchQueue q = autoglm.analyse.trace.LaunchQueue.of(t, sr);
            if (q != null) {
                queues.add(q);
                from = Math.min(from, q.times()[0]);
                to = Math.max(to, q.times()[q.times().length - 1]);
            }
        }
        if (queues.isEmpty() || to <= from) {
            return null;
        }
        double width = (double) (to - from) / QUEUE_POINTS;
        List<Series> series = new java.util.ArrayList<>();
        long changes = 0;
        for (autoglm.analyse.trace.LaunchQueue q : queues) {
            // the most waiting in each slice: the length in effect as it starts, and each it changes to within it
            double[] most = new double[QUEUE_POINTS];
            int k = 0;
            int cur = 0;
            for (int b = 0; b < QUEUE_POINTS; b++) {
                double end = b == QUEUE_POINTS - 1 ? Double.POSITIVE_INFINITY : from + (b + 1) * width;
                int m = cur;
                while (k < q.times().length && q.times()[k] < end) {
                    cur = q.lengths()[k++];
                    m = Math.max(m, cur);
                }
                most[b] = m;
            }
            double[] x = new double[QUEUE_POINTS];
            for (int b = 0; b < QUEUE_POINTS; b++) {
                x[b] = (b + 0.5) * width / 1e6;
            }
            series.add(new Series("stream " + q.stream() + " (max " + q.max() + ")", x, most));
            changes += q.times().length;
        }
        int most = queues.stream().mapToInt(autoglm.analyse.trace.LaunchQueue::max).max().orElse(0);
        return new TimeChart("launch-queue", "Launch queue per stream (device " + dev + "; at most " + most + ")",
                "time from the first launch of the window, ms", "launches waiting", Double.NaN, List.copyOf(series),
                "launched and not yet started on the GPU (HTA's queue length); the most in each of "
                        + QUEUE_POINTS + " slices; a full queue is " + autoglm.analyse.trace.LaunchQueue.FULL, changes);
    }

    /** Slices of the copy-bandwidth chart. */
    static final int COPY_BUCKETS = 120;

    /**
     * Bandwidth of copies and memsets over the window on the analysed device, by kind (HtoD, DtoH, DtoD, memset...):
     * each activity's bytes spread evenly over its own duration, summed per slice, GB/s; x in ms from its first GPU
     * activity (HTA's memory bandwidth counters). Null without copies of known size.
     */
    static TimeChart copyBandwidth(TraceAnalysis t) {
        GpuActivities gpu = t.model().gpu();
        Window w = t.window();
        int dev = w.device();
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (int r = 0; r < gpu.size(); r++) {
            if (gpu.device(r) == dev && w.contains(r)) {
                from = Math.min(from, gpu.start(r));
                to = Math.max(to, gpu.end(r));
            }
        }
        if (to <= from) {
            return null;
        }
        double width = (double) (to - from) / COPY_BUCKETS;
        java.util.Map<String, double[]> byKind = new java.util.TreeMap<>();
        long n = 0;
        for (int r = 0; r < gpu.size(); r++) {
            if (gpu.device(r) != dev || !w.contains(r) || gpu.kind(r) == GpuActivities.KERNEL || gpu.bytes(r) <= 0) {
                continue;
            }
            String kind = copyKind(t.model().names().get(gpu.name(r)), gpu.kind(r));
            double[] bytes = byKind.computeIfAbsent(kind, k -> new double[COPY_BUCKETS]);
            long s = gpu.start(r);
            long e = Math.max(gpu.end(r), s + 1);
            double perNs = (double) gpu.bytes(r) / (e - s);
            int b0 = (int) Math.min(COPY_BUCKETS - 1, (s - from) / width);
            int b1 = (int) Math.min(COPY_BUCKETS - 1, (e - from) / width);
            for (int b = b0; b <= b1; b++) {
                double lo = from + b * width;
                double hi = lo + width;
                bytes[b] += perNs * Math.max(0, Math.min(hi, e) - Math.max(lo, s));
            }
            n++;
        }
        if (byKind.isEmpty()) {
            return null;
        }
        double[] x = new double[COPY_BUCKETS];
        for (int b = 0; b < COPY_BUCKETS; b++) {
            x[b] = (b + 0.5) * width / 1e6;
        }
        List<Series> series = new java.util.ArrayList<>();
        for (java.util.Map.Entry<String, double[]> e : byKind.entrySet()) {
            double[] gbps = new double[COPY_BUCKETS];
            for (int b = 0; b < COPY_BUCKETS; b++) {
                gbps[b] = e.getValue()[b] / width; // bytes per ns = GB/s
            }
            series.add(new Series(e.getKey(), x, gbps));
        }
        return new TimeChart("copy-bandwidth", "Copy and memset bandwidth (device " + dev + ")",
                "time from the first GPU activity of the window, ms", "bandwidth, GB/s", Double.NaN,
                List.copyOf(series), n + " copies and memsets, each one's bytes spread over its duration, "
                        + COPY_BUCKETS + " slices", n);
    }

    /** "HtoD", "DtoH", "DtoD", "memset", from Kineto's name ("Memcpy HtoD (Pinned -> Device)"). */
    private static String copyKind(String name, byte kind) {
        if (kind == GpuActivities.MEMSET) {
            return "memset";
        }
        String n = name == null ? "" : name;
        for (String k : new String[] {"HtoD", "DtoH", "DtoD", "PtoP", "HtoH"}) {
            if (n.contains(k)) {
                return k;
            }
        }
        return "copy";
    }
}
