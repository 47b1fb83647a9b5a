package autoglm.diagnose.charts;

import autoglm.analyse.samples.RunAnalysis;
import autoglm.analyse.load.ServerGauges;
import autoglm.analyse.trace.TraceAnalysis;
import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadRequest;
import autoglm.model.run.GpuSample;
import autoglm.model.trace.GpuActivities;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Builds a load run's {@link LoadTimeline} from its requests, its scrapes, its run's samples and its kernels. */
final class LoadTimelines {
    /** Slices of the load over which the kernels' busy share is drawn. */
    static final int BUSY_BUCKETS = 200;

    private LoadTimelines() {
    }

    /** Null when no request was sent. {@code run} and {@code trace} may be null (a load without --serve, --kernels). */
    static LoadTimeline of(LoadRecording load, RunAnalysis run, TraceAnalysis trace) {
        List<LoadRequest> sent = load.requests().stream().filter(r -> !Double.isNaN(r.sentMs())
                && !Double.isNaN(r.endMs())).sorted(Comparator.comparingDouble(LoadRequest::sentMs)).toList();
        if (sent.isEmpty()) {
            return null;
        }
        List<LoadTimeline.Span> spans = new ArrayList<>();
        List<Double> laneEnds = new ArrayList<>();
        double endS = 0;
        for (LoadRequest r : sent) {
            int lane = 0;
            while (lane < laneEnds.size() && laneEnds.get(lane) > r.sentMs()) {
                lane++;
            }
            if (lane == laneEnds.size()) {
                laneEnds.add(r.endMs());
            } else {
                laneEnds.set(lane, r.endMs());
            }
            spans.add(new LoadTimeline.Span(lane, r.sentMs() / 1000, r.firstMs() / 1000, r.endMs() / 1000, r.ok(),
                    r.warmup()));
            endS = Math.max(endS, r.endMs() / 1000);
        }
        double lastS = endS;
        List<Series> server = new ArrayList<>();
        gauge(server, "running (batch)", ServerGauges.of(load.scrapes(), ServerGauges.RUNNING));
        gauge(server, "waiting", ServerGauges.of(load.scrapes(), ServerGauges.WAITING));
        long epochMs = load.settings().startedEpochMs();
        List<Series> gpu = new ArrayList<>();
        boolean kernels = false;
        if (trace != null && trace.window().device() >= 0) {
            Series busy = busy(trace, epochMs, lastS);
            if (busy != null) {
                gpu.add(busy);
                kernels = true;
            }
        }
        if (run != null) {
            List<Integer> gpus = run.gpusUsed().isEmpty() ? run.recording().gpu().stream().map(GpuSample::gpu)
                    .distinct().toList() : run.gpusUsed();
            for (int g : gpus) {
                List<GpuSample> s = run.recording().gpu().stream().filter(x -> x.gpu() == g
                        && !Double.isNaN(x.utilPct()) && x.timeMs() >= epochMs && x.timeMs() <= epochMs + lastS * 1000)
                        .toList();
                if (!s.isEmpty()) {
                    gpu.add(new Series("GPU " + g + " utilization (NVML)", s.stream().mapToDouble(x -> (x.timeMs()
                            - epochMs) / 1000).toArray(), s.stream().mapToDouble(GpuSample::utilPct).toArray()));
                }
            }
        }
        String source = sent.size() + " requests of the load" + (server.isEmpty() ? "" : ", the server's /metrics")
                + (kernels ? ", the server's kernel recordings" : "") + (gpu.size() > (kernels ? 1 : 0)
                ? ", NVML samples of the server's run" : "");
        return new LoadTimeline(List.copyOf(spans), laneEnds.size(), List.copyOf(server), List.copyOf(gpu), source,
                sent.size());
    }

    private static void gauge(List<Series> out, String name, ServerGauges g) {
        if (g != null) {
            out.add(new Series(name, Arrays.stream(g.tMs()).map(t -> t / 1000).toArray(), g.values()));
        }
    }

    /** The share of each slice of [0, endS] during which any activity of the analysed device ran, %. */
    private static Series busy(TraceAnalysis t, long epochMs, double endS) {
        GpuActivities gpu = t.model().gpu();
        int dev = t.window().device();
        long from = epochMs * 1_000_000L;
        long to = from + Math.round(endS * 1e9);
        if (to <= from) {
            return null;
        }
        long[] st = new long[gpu.size()];
        long[] en = new long[gpu.size()];
        int n = 0;
        for (int r = 0; r < gpu.size(); r++) {
            if (gpu.device(r) == dev && gpu.end(r) > from && gpu.start(r) < to) {
                st[n] = Math.max(from, gpu.start(r));
                en[n++] = Math.min(to, gpu.end(r));
            }
        }
        if (n == 0) {
            return null;
        }
        autoglm.analyse.Intervals u = autoglm.analyse.Intervals.union(st, en, n);
        double width = (double) (to - from) / BUSY_BUCKETS;
        double[] busy = new double[BUSY_BUCKETS];
        for (int b = 0; b < BUSY_BUCKETS; b++) {
            busy[b] = u.coveredWithin(from + Math.round(b * width), from + Math.round((b + 1) * width));
        }
        double[] x = new double[BUSY_BUCKETS];
        double[] y = new double[BUSY_BUCKETS];
        for (int b = 0; b < BUSY_BUCKETS; b++) {
            x[b] = (b + 0.5) * width / 1e9;
            y[b] = Math.min(100, 100 * busy[b] / width);
        }
        return new Series("GPU " + dev + " busy (recorded kernels, copies, memsets)", x, y);
    }
}
