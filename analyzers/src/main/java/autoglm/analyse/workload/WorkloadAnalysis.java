package autoglm.analyse.workload;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.MetricFamily;
import autoglm.model.workload.WorkloadLog;

import autoglm.analyse.Metrics;
import autoglm.analyse.Spread;
import autoglm.analyse.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Turns a workload's events into metrics (docs/analyses.md#workload): latency and throughput of the
 * measured requests (warm-up excluded), padding, batching, compilation, cold start, decoding settings,
 * conversation growth, the roofline floor of a decode step, and the memory fit.
 */
public final class WorkloadAnalysis {
    /** Why workload metrics are absent from a trace or a run without events. */
    public static final String NO_WORKLOAD = MetricFamily.WORKLOAD.whenAbsent();

    private WorkloadAnalysis() {
    }

    public static Set<String> metricNames() {
        return MetricFamily.names(MetricFamily.WORKLOAD);
    }

    public static Metrics analyze(WorkloadLog log) {
        return analyze(log, AnalysisSettings.defaults());
    }

    /** The same with the analysis settings given (the fits' {@code analysis.fit_*}). */
    public static Metrics analyze(WorkloadLog log, AnalysisSettings settings) {
        Metrics.Builder b = new Metrics.Builder();
        WorkloadLog.Start s = log.start();
        b.text("workload_model", s.model(), 1);
        b.text("workload_source", s.source(), 1);
        b.put("workload_layers", s.layers(), 1);
        b.text("workload_device", s.deviceName().isEmpty() ? s.device() : s.deviceName(), 1);
        b.text("workload_device_type", s.device(), 1);
        if (s.torch() != null && !s.torch().isEmpty()) {
            b.text("workload_torch", s.torch(), 1);
        } else {
            b.absent("workload_torch", "the workload's start event does not say");
        }
        b.text("workload_dtype", s.dtype(), 1);
        knob(b, "batch_knob", s, "batch");
        knob(b, "num_beams", s, "num_beams");
        knob(b, "max_new_tokens", s, "max_new_tokens");
        knob(b, "turns", s, "turns");
        b.put("cpu_half_precision", "cpu".equals(s.device()) && ("fp16".equals(s.dtype()) || "bf16".equals(s.dtype()))
                ? 1 : 0, 1);
        fit(b, log);
        if (log.memory() != null && !Double.isNaN(log.memory().peakBytes())) {
            b.put("peak_mem_bytes", log.memory().peakBytes(), 1);
        } else {
            b.absent("peak_mem_bytes", "the workload reported no memory peak (it ended early)");
        }
        double wall = log.end() != null && !Double.isNaN(log.end().wallMs()) ? log.end().wallMs() : lastTime(log) - s.t();
        b.put("workload_wall_ms", wall, 1);
        startup(b, log, wall);
        compiles(b, log);
        List<WorkloadLog.Step> measured = log.measured();
        List<WorkloadLog.Step> prefills = measured.stream().filter(WorkloadLog.Step::prefill).toList();
        List<WorkloadLog.Step> decodes = measured.stream().filter(x -> !x.prefill()).toList();
        String noSteps = log.error() != null ? "the workload failed before a measured step (" + log.error().message() + ")"
                : "the workload reported no measured step";
        if (prefills.isEmpty()) {
            b.absentAll(noSteps, "prefill_ms", "padded_token_pct", "pad_tokens", "prompt_tokens", "cached_prompt_tokens",
                    "image_tokens", "vision_time_pct", "mean_batch",
                    "mean_queue", "input_wait_pct", "input_wait_ms_per_batch", "tokens_per_s", "prefill_time_pct",
                    "decode_time_pct");
        } else {
            batches(b, log, prefills);
        }
        if (decodes.isEmpty()) {
            String why = prefills.isEmpty() ? noSteps : "no decode step was measured (max_new_tokens=1?)";
            b.absentAll(why, "ms_per_token", "decode_waste_pct", "roofline_floor_ms", "roofline_pct", "decode_rows");
        } else {
            decode(b, log, decodes);
        }
        requests(b, log, settings);
        return b.build();
    }

    private static void knob(Metrics.Builder b, String metric, WorkloadLog.Start s, String knob) {
        try {
            b.put(metric, Double.parseDouble(s.knob(knob)), 1);
        } catch (NullPointerException | NumberFormatException e) {
            b.absent(metric, "the start event has no knob " + knob);
        }
    }

    private static void fit(Metrics.Builder b, WorkloadLog log) {
        WorkloadLog.Fit f = log.fit();
        if (f == null || !(f.freeBytes() > 0)) {
            b.absentAll("the workload reported no fit estimate", "fit_pct", "fit_need_bytes", "fit_free_bytes");
            return;
        }
        b.put("fit_pct", 100 * f.needBytes() / f.freeBytes(), 1);
        b.put("fit_need_bytes", f.needBytes(), 1);
        b.put("fit_free_bytes", f.freeBytes(), 1);
    }

    private static void startup(Metrics.Builder b, WorkloadLog log, double wall) {
        if (Double.isNaN(log.loadMs())) {
            b.absentAll("the workload did not finish loading the model", "load_ms", "warmup_ms", "cold_start_pct");
            return;
        }
        b.put("load_ms", log.loadMs(), 1);
        if (log.warmup() == null) {
            b.absent("warmup_ms", "the workload did not finish its warm-up");
            b.put("cold_start_pct", 100 * log.loadMs() / wall, 1);
            return;
        }
        b.put("warmup_ms", log.warmup().ms(), Math.max(1, log.warmup().batches()));
        b.put("cold_start_pct", 100 * (log.loadMs() + log.warmup().ms()) / wall, 1);
    }

    private static void compiles(Metrics.Builder b, WorkloadLog log) {
        long after = log.compiles().stream().filter(c -> !c.warmup()).count();
        double ms = log.compiles().stream().filter(c -> !c.warmup()).mapToDouble(WorkloadLog.Compile::ms).sum();
        b.put("compiles", log.compiles().size(), log.compiles().size());
        b.put("compiles_after_warmup", after, after);
        b.put("compile_ms", ms, after);
    }

    private static void batches(Metrics.Builder b, WorkloadLog log, List<WorkloadLog.Step> prefills) {
        int n = prefills.size();
        put(b, "prefill_ms", prefills, WorkloadLog.Step::ms);
        long real = 0;
        long padded = 0;
        double wait = 0;
        for (WorkloadLog.Step p : prefills) {
            real += p.realTokens();
            padded += p.paddedTokens();
            wait += p.inputWaitMs();
        }
        b.put("prompt_tokens", real, n);
        long cached = prefills.stream().mapToLong(WorkloadLog.Step::cachedTokens).sum();
        b.put("cached_prompt_tokens", cached, n);
        b.put("image_tokens", prefills.stream().mapToLong(WorkloadLog.Step::imageTokens).sum(), n);
        double vision = prefills.stream().mapToDouble(WorkloadLog.Step::visionMs).filter(v -> !Double.isNaN(v)).sum();
        double prefillTotal = prefills.stream().mapToDouble(WorkloadLog.Step::ms).sum();
        b.put("pad_tokens", padded - real, n);
        b.put("padded_token_pct", padded == 0 ? 0 : 100.0 * (padded - real) / padded, n);
        put(b, "mean_batch", prefills, WorkloadLog.Step::batch);
        put(b, "mean_queue", prefills, WorkloadLog.Step::queue);
        WorkloadLog.Step first = prefills.get(0);
        double servingStart = first.t() - first.ms() - first.inputWaitMs();
        double servingEnd = log.measured().get(log.measured().size() - 1).t();
        for (WorkloadLog.Request r : log.requests()) {
            servingEnd = Math.max(servingEnd, r.t());
        }
        double serving = servingEnd - servingStart;
        b.put("input_wait_pct", serving > 0 ? 100 * wait / serving : 0, n);
        double prefillMs = prefills.stream().mapToDouble(WorkloadLog.Step::ms).sum();
        double decodeMs = log.measured().stream().filter(x -> !x.prefill()).mapToDouble(WorkloadLog.Step::ms).sum();
        b.put("prefill_time_pct", serving > 0 ? 100 * prefillMs / serving : 0, n);
        b.put("vision_time_pct", prefillTotal > 0 ? 100 * vision / prefillTotal : 0, n);
        b.put("decode_time_pct", serving > 0 ? 100 * decodeMs / serving : 0, log.measured().size() - n);
        put(b, "input_wait_ms_per_batch", prefills, WorkloadLog.Step::inputWaitMs);
        long out = log.requests().stream().mapToLong(WorkloadLog.Request::outputTokens).sum();
        if (log.requests().isEmpty() || serving <= 0) {
            b.absent("tokens_per_s", "no request finished");
        } else {
            b.put("tokens_per_s", out / (serving / 1000.0), log.requests().size());
        }
    }

    private static void decode(Metrics.Builder b, WorkloadLog log, List<WorkloadLog.Step> decodes) {
        WorkloadLog.Start s = log.start();
        put(b, "ms_per_token", decodes, WorkloadLog.Step::ms);
        double beams = parse(s.knob("num_beams"), 1);
        double rows = 0;
        double kept = 0;
        double kvRead = 0;
        for (WorkloadLog.Step d : decodes) {
            rows += d.paddedTokens() * beams;
            kept += d.realTokens();
            // the keys the rows really hold (padding excluded) where the workload says so, else the padded length
            kvRead += d.kvTokens() >= 0 ? d.kvTokens() : (double) d.kvLen() * d.paddedTokens() * beams;
        }
        b.put("decode_waste_pct", rows == 0 ? 0 : 100 * (1 - kept / rows), decodes.size());
        b.put("decode_rows", rows, decodes.size());
        WorkloadLog.Bandwidth bw = log.bandwidth();
        if (bw == null || !(bw.gbps() > 0) || Double.isNaN(s.weightBytes())) {
            b.absentAll("the workload reported no memory bandwidth", "bandwidth_gbps", "roofline_floor_ms",
                    "roofline_pct");
            return;
        }
        b.put("bandwidth_gbps", bw.gbps(), 1);
        double embedding = Double.isNaN(s.embeddingBytes()) ? 0 : s.embeddingBytes();
        double kvPerToken = Double.isNaN(s.kvBytesPerToken()) ? 0 : s.kvBytesPerToken();
        double bytes = s.weightBytes() - embedding + kvPerToken * kvRead / decodes.size();
        double floor = bytes / (bw.gbps() * 1e9) * 1000;
        double step = Stats.mean(values(decodes, WorkloadLog.Step::ms), decodes.size());
        b.put("roofline_floor_ms", floor, decodes.size());
        b.put("roofline_pct", 100 * floor / step, decodes.size());
    }

    private static void requests(Metrics.Builder b, WorkloadLog log, AnalysisSettings settings) {
        List<WorkloadLog.Request> rs = log.requests();
        b.put("workload_requests", rs.size(), rs.size());
        if (rs.isEmpty()) {
            String why = log.error() != null ? "no request finished: " + log.error().message() : "no request finished";
            b.absentAll(why, "ttft_ms", "tpot_ms", "e2e_ms", "output_tokens", "turn_ttft_growth_pct",
                    "turn_ttft_growth_p", "turn_prompt_tokens_last", "queue_ms", "request_prompt_tokens", "prefix_reuse_pct",
                    "output_tokens_total");
            return;
        }
        putR(b, "ttft_ms", rs, WorkloadLog.Request::ttftMs);
        if (rs.stream().anyMatch(r -> Double.isNaN(r.queueMs()))) {
            b.absent("queue_ms", "the workload's events predate queue times (their TTFT counts from the batch's start)");
        } else {
            putR(b, "queue_ms", rs, WorkloadLog.Request::queueMs);
        }
        long asked = rs.stream().mapToLong(WorkloadLog.Request::promptTokens).sum();
        long reused = rs.stream().mapToLong(WorkloadLog.Request::cachedTokens).sum();
        b.put("request_prompt_tokens", asked, rs.size());
        b.put("prefix_reuse_pct", asked == 0 ? 0 : 100.0 * reused / asked, rs.size());
        b.put("output_tokens_total", rs.stream().mapToLong(WorkloadLog.Request::outputTokens).sum(), rs.size());
        putR(b, "tpot_ms", rs, WorkloadLog.Request::tpotMs);
        putR(b, "e2e_ms", rs, WorkloadLog.Request::e2eMs);
        putR(b, "output_tokens", rs, r -> r.outputTokens());
        int lastTurn = rs.stream().mapToInt(WorkloadLog.Request::turn).max().orElse(0);
        if (lastTurn == 0) {
            b.absentAll("single-turn requests (turns=1)", "turn_ttft_growth_pct", "turn_ttft_growth_p",
                    "turn_prompt_tokens_last");
            return;
        }
        double[] x = new double[rs.size()];
        double[] y = new double[rs.size()];
        double first = 0;
        int firstN = 0;
        List<WorkloadLog.Request> last = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            x[i] = rs.get(i).turn();
            // the model's own time to first token: a first turn's wait in the queue is not growth
            double queue = rs.get(i).queueMs();
            y[i] = rs.get(i).ttftMs() - (Double.isNaN(queue) ? 0 : queue);
            if (rs.get(i).turn() == 0) {
                first += y[i];
                firstN++;
            }
            if (rs.get(i).turn() == lastTurn) {
                last.add(rs.get(i));
            }
        }
        TurnGrowth.of(x, y, firstN == 0 ? 0 : first / firstN, settings, "turn").put(b);
        putR(b, "turn_prompt_tokens_last", last, r -> r.promptTokens());
    }

    /** Least-squares slope of y on x. */
    public static double slope(double[] x, double[] y) {
        double mx = Stats.mean(x, x.length);
        double my = Stats.mean(y, y.length);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    private static void put(Metrics.Builder b, String name, List<WorkloadLog.Step> steps,
            ToDoubleFunction<WorkloadLog.Step> f) {
        double[] v = values(steps, f);
        b.put(name, Stats.mean(v, v.length), v.length, Stats.spread(v, v.length));
    }

    private static void putR(Metrics.Builder b, String name, List<WorkloadLog.Request> rs,
            ToDoubleFunction<WorkloadLog.Request> f) {
        double[] v = rs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).toArray();
        if (v.length == 0) {
            b.absent(name, "no request reported it (one output token each?)");
            return;
        }
        Spread spread = Stats.spread(v, v.length);
        b.put(name, Stats.mean(v, v.length), v.length, spread);
    }

    private static double[] values(List<WorkloadLog.Step> steps, ToDoubleFunction<WorkloadLog.Step> f) {
        return steps.stream().mapToDouble(f).toArray();
    }

    private static double parse(String text, double fallback) {
        try {
            return text == null ? fallback : Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static double lastTime(WorkloadLog log) {
        double t = log.start().t();
        for (WorkloadLog.Step s : log.steps()) {
            t = Math.max(t, s.t());
        }
        for (WorkloadLog.Request r : log.requests()) {
            t = Math.max(t, r.t());
        }
        if (log.error() != null) {
            t = Math.max(t, log.error().t());
        }
        return t;
    }
}
