package autoglm.analyse.load;

import autoglm.analyse.Intervals;
import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.analyse.Stats;
import autoglm.analyse.trace.TraceAnalysis;
import autoglm.analyse.trace.Window;
import autoglm.model.load.LoadRecording;
import autoglm.model.trace.GpuActivities;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The server's steps under a load against its batch (docs/analyses.md, "Served steps"): the iterations of the
 * server's timeline (its profiler trace's ProfilerStep#N, or the kernel passes of its CUPTI recordings), each with
 * its time, the kernels it launched, the share of it the GPU was busy and the rest (launches, Python, scheduling),
 * and the batch the server's /metrics reported running at the last scrape before the step began. Steps are then
 * grouped by that batch; their long ones are set against the streams' long gaps ({@link ServedStalls}). Times are on the wall clock; the load's are moved onto it with load.json's
 * {@code started_epoch_ms}.
 */
public final class ServedSteps {
    /** Steps a batch size needs to be compared with another (low and high batch). */
    static final int MIN_STEPS = 3;
    /**
     * A range of the server's timeline that is its vision encoder, by name: autoglm serve's "vision encoder", and any
     * annotation naming a vision module (transformers' and vLLM's classes: Glm4vVisionModel, ...VisionTransformer).
     */
    static final java.util.regex.Pattern VISION = java.util.regex.Pattern.compile("(?i)vision|visual");
    public static final String NOT_SERVED = MetricFamily.SERVED.whenAbsent();

    /**
     * One step: its wall-clock start and end, kernels launched in it, GPU busy time (-1: no GPU activity in the
     * timeline), the batch running by the server's /metrics (NaN: none yet), and the requests the client had in flight
     * (sent, not yet ended) at its start; {@code visionNs}: the time in it of ranges the server named after its vision
     * encoder ({@link #VISION}).
     */
    public record Step(long startNs, long endNs, int kernels, long busyNs, double batch, int inFlight, long visionNs) {
        public double ms() {
            return (endNs - startNs) / 1e6;
        }
    }

    /**
     * The steps of one batch size: how many; median step time, kernels per step, GPU busy share (NaN without GPU
     * activity), the time the GPU did not run (step time less busy time) and the client's requests in flight: the
     * gauge is scraped every 500 ms, so where the two differ the batch changed between scrapes.
     */
    public record ByBatch(int batch, int steps, double stepMs, double kernels, double busyPct, double overheadMs,
            double inFlight) {
    }

    /** Every step, the steps by batch (ascending), steps without a batch, the steps' source, or why there is none. */
    public record Result(List<Step> steps, List<ByBatch> byBatch, int unmatched, String basis, String reason) {
        public boolean present() {
            return reason == null;
        }
    }

    private ServedSteps() {
    }

    /** The steps of {@code t} matched to the running batch of {@code load}'s scrapes. */
    public static Result of(TraceAnalysis t, LoadRecording load) {
        Window w = t.window();
        if (w.iterations() < 1) {
            return none("the server's timeline has no steps (" + w.basis().text() + ")");
        }
        ServerGauges running = ServerGauges.of(load.scrapes(), ServerGauges.RUNNING);
        GpuActivities gpu = t.model().gpu();
        int n = w.iterations();
        int[] kernels = new int[n];
        List<List<long[]>> busy = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            busy.add(new ArrayList<>());
        }
        for (int r = 0; r < gpu.size(); r++) {
            int i = w.iterationOf(r);
            if (i < 0 || i >= n || gpu.device(r) != w.device()) {
                continue;
            }
            if (gpu.kind(r) == GpuActivities.KERNEL) {
                kernels[i]++;
            }
            busy.get(i).add(new long[] {gpu.start(r), gpu.end(r)});
        }
        long[] vision = visionPerStep(t);
        double epochMs = load.settings().startedEpochMs();
        // a Kineto trace's times count from its baseTimeNanoseconds (wall clock); a CUPTI recording's are the wall clock
        Long base = t.model().header().baseTimeNanoseconds();
        long offset = base == null ? 0 : base;
        List<Step> steps = new ArrayList<>();
        int unmatched = 0;
        boolean anyGpu = w.device() >= 0;
        for (int i = 0; i < n; i++) {
            long s = w.iterationStart(i) + offset;
            double batch = running == null ? Double.NaN : running.at(s / 1e6 - epochMs);
            if (Double.isNaN(batch) && running != null) {
                unmatched++;
            }
            steps.add(new Step(s, w.iterationEnd(i) + offset, kernels[i], anyGpu ? union(busy.get(i)) : -1, batch,
                    inFlight(load, s / 1e6 - epochMs), vision[i]));
        }
        TreeMap<Integer, List<Step>> by = new TreeMap<>();
        for (Step s : steps) {
            if (!Double.isNaN(s.batch())) {
                by.computeIfAbsent((int) Math.round(s.batch()), k -> new ArrayList<>()).add(s);
            }
        }
        List<ByBatch> rows = new ArrayList<>();
        by.forEach((b, list) -> rows.add(row(b, list)));
        if (running == null) {
            return new Result(List.copyOf(steps), List.of(), 0, w.basis().text(), "the server's /metrics gave no "
                    + "running batch (" + String.join(", ", ServerGauges.RUNNING) + ")");
        }
        if (rows.isEmpty()) {
            return new Result(List.copyOf(steps), List.of(), unmatched, w.basis().text(), "no step began after the "
                    + "server's first scrape");
        }
        return new Result(List.copyOf(steps), List.copyOf(rows), unmatched, w.basis().text(), null);
    }

    /** Per step, the time of the vision encoder's ranges inside it (clipped to the step). */
    private static long[] visionPerStep(TraceAnalysis t) {
        Window w = t.window();
        long[] out = new long[w.iterations()];
        autoglm.model.trace.SpanTable a = t.model().annotations();
        for (int k = 0; k < a.size(); k++) {
            if (!VISION.matcher(t.model().names().get(a.name(k))).find()) {
                continue;
            }
            long s = a.start(k);
            long e = s + a.dur(k);
            for (int i = 0; i < out.length; i++) {
                out[i] += Math.max(0, Math.min(e, w.iterationEnd(i)) - Math.max(s, w.iterationStart(i)));
            }
        }
        return out;
    }

    /** The requests sent and not yet ended at {@code ms} (the load's clock). */
    private static int inFlight(LoadRecording load, double ms) {
        int n = 0;
        for (autoglm.model.load.LoadRequest r : load.requests()) {
            if (r.sentMs() <= ms && (Double.isNaN(r.endMs()) || r.endMs() > ms)) {
                n++;
            }
        }
        return n;
    }

    private static Result none(String why) {
        return new Result(List.of(), List.of(), 0, null, why);
    }

    private static ByBatch row(int batch, List<Step> list) {
        int k = list.size();
        double[] ms = new double[k];
        double[] kern = new double[k];
        double[] pct = new double[k];
        double[] over = new double[k];
        double[] flight = new double[k];
        int g = 0;
        for (int i = 0; i < k; i++) {
            Step s = list.get(i);
            ms[i] = s.ms();
            kern[i] = s.kernels();
            flight[i] = s.inFlight();
            if (s.busyNs() >= 0 && s.endNs() > s.startNs()) {
                pct[g] = 100.0 * s.busyNs() / (s.endNs() - s.startNs());
                over[g++] = (s.endNs() - s.startNs() - s.busyNs()) / 1e6;
            }
        }
        return new ByBatch(batch, k, Stats.median(ms, k), Stats.median(kern, k), g == 0 ? Double.NaN
                : Stats.median(pct, g), g == 0 ? Double.NaN : Stats.median(over, g), Stats.median(flight, k));
    }

    /** The time covered by the intervals (overlaps counted once). */
    private static long union(List<long[]> iv) {
        long[] st = new long[iv.size()];
        long[] en = new long[iv.size()];
        for (int i = 0; i < st.length; i++) {
            st[i] = iv.get(i)[0];
            en[i] = iv.get(i)[1];
        }
        return Intervals.union(st, en, st.length).total();
    }

    public static Set<String> metricNames() {
        return MetricFamily.names(MetricFamily.SERVED);
    }

    /**
     * The metrics of the steps: how many were matched to a batch; the lowest and highest batch (at least one request
     * running) with {@value #MIN_STEPS} steps or more, and at each its median step time and GPU busy share.
     */
    public static Metrics metrics(Result r, LoadRecording load) {
        Metrics.Builder b = new Metrics.Builder();
        if (r.steps().isEmpty()) {
            return b.absentAll(r.reason(), metricNames().toArray(new String[0])).build();
        }
        ServedStalls.metrics(b, r, load); // the long steps and the vision encoder need no batch
        vision(b, r);
        if (!r.present()) {
            return b.absentAll(r.reason(), "served_steps", "served_batch_low", "served_batch_high",
                    "served_step_ms_low_batch", "served_step_ms_high_batch", "served_busy_pct_low_batch",
                    "served_busy_pct_high_batch", "served_kernels_per_step").build();
        }
        int matched = r.byBatch().stream().mapToInt(ByBatch::steps).sum();
        b.put("served_steps", matched, r.steps().size());
        double[] k = r.steps().stream().filter(s -> !Double.isNaN(s.batch())).mapToDouble(Step::kernels).toArray();
        b.put("served_kernels_per_step", Stats.median(k, k.length), k.length, Stats.spread(k, k.length));
        List<ByBatch> usable = r.byBatch().stream().filter(x -> x.batch() >= 1 && x.steps() >= MIN_STEPS).toList();
        if (usable.isEmpty()) {
            return b.absentAll("no batch of one request or more ran " + MIN_STEPS + " steps or more", "served_batch_low",
                    "served_batch_high", "served_step_ms_low_batch", "served_step_ms_high_batch",
                    "served_busy_pct_low_batch", "served_busy_pct_high_batch").build();
        }
        ByBatch low = usable.get(0);
        ByBatch high = usable.get(usable.size() - 1);
        b.put("served_batch_low", low.batch(), low.steps());
        b.put("served_step_ms_low_batch", low.stepMs(), low.steps());
        busy(b, "served_busy_pct_low_batch", low);
        if (high == low) {
            b.absentAll("the server ran one batch size only (" + low.batch() + ") for " + MIN_STEPS + " steps or more",
                    "served_batch_high", "served_step_ms_high_batch", "served_busy_pct_high_batch");
        } else {
            b.put("served_batch_high", high.batch(), high.steps());
            b.put("served_step_ms_high_batch", high.stepMs(), high.steps());
            busy(b, "served_busy_pct_high_batch", high);
        }
        return b.build();
    }

    /** The vision encoder's share of the steps it ran in (image prefills), and its time per step. */
    private static void vision(Metrics.Builder b, Result r) {
        List<Step> with = r.steps().stream().filter(s -> s.visionNs() > 0).toList();
        if (with.isEmpty()) {
            b.absentAll("the server's timeline names no vision encoder (autoglm serve marks it \"vision encoder\"; a "
                    + "trace of vLLM or SGLang has no such range unless the server adds one)", "served_vision_prefill_pct",
                    "served_vision_ms");
            return;
        }
        double vision = with.stream().mapToDouble(Step::visionNs).sum();
        double steps = with.stream().mapToDouble(s -> s.endNs() - s.startNs()).sum();
        double[] ms = with.stream().mapToDouble(s -> s.visionNs() / 1e6).toArray();
        b.put("served_vision_prefill_pct", 100 * vision / steps, with.size());
        b.put("served_vision_ms", Stats.median(ms, ms.length), ms.length, Stats.spread(ms, ms.length));
    }

    private static void busy(Metrics.Builder b, String name, ByBatch x) {
        if (Double.isNaN(x.busyPct())) {
            b.absent(name, "no GPU activity in the server's steps (a timeline without kernels)");
        } else {
            b.put(name, x.busyPct(), x.steps());
        }
    }
}
