package autoglm.analyse.load;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Metric;
import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.analyse.Stats;
import autoglm.analyse.Unit;
import autoglm.analyse.workload.PrefillCurve;
import autoglm.analyse.workload.TurnGrowth;
import autoglm.analyse.workload.WorkloadAnalysis;
import autoglm.model.load.LoadRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Patterns across the requests of a load run (docs/analyses.md, "Load runs"): latency growth over the steps of
 * sessions, stalls between tokens that coincide with another request's prefill, and the quadratic share of the
 * prompt-length cost.
 */
public final class LoadPatterns {
    /** A gap this many times the median ITL is a stall. */
    static final double STALL_FACTOR = 3;

    private LoadPatterns() {
    }

    /**
     * TTFT by step number within sessions: its least-squares slope as measured, the last prompt, and the growth
     * relative to step 1 where the slope is significant ({@link TurnGrowth}).
     */
    static void steps(Metrics.Builder b, List<LoadRequest> ok, AnalysisSettings settings) {
        List<LoadRequest> rs = ok.stream().filter(r -> r.step() > 0).toList();
        Map<Integer, List<LoadRequest>> byStep = new TreeMap<>();
        for (LoadRequest r : rs) {
            byStep.computeIfAbsent(r.step(), k -> new ArrayList<>()).add(r);
        }
        List<String> names = MetricFamily.LOAD_SESSIONS.names();
        if (byStep.size() < 2 || !byStep.containsKey(1)) {
            b.absentAll(rs.isEmpty() ? "no session traffic (the agent workload, or replayed requests with steps, has it)"
                    : "sessions of fewer than two completed steps", names);
            return;
        }
        b.items("load_ttft_by_step", byStep(byStep, LoadRequest::ttftMs), rs.size());
        b.items("load_e2el_by_step", byStep(byStep, LoadRequest::e2elMs), rs.size());
        List<Metric.Item> thinking = byStep(byStep, LoadRequest::thinkingMs);
        if (thinking.stream().allMatch(i -> Double.isNaN(i.value()))) {
            b.absent("load_thinking_by_step", "no answer left reasoning (or none reasoned)");
        } else {
            b.items("load_thinking_by_step", thinking, rs.size());
        }
        double[] x = rs.stream().mapToDouble(LoadRequest::step).toArray();
        double[] y = rs.stream().mapToDouble(LoadRequest::ttftMs).toArray();
        int last = ((TreeMap<Integer, List<LoadRequest>>) byStep).lastKey();
        // the slope as measured, significant or not: what --verify compares before and after a fix
        b.put("load_step_ttft_slope_ms", WorkloadAnalysis.slope(x, y), rs.size());
        b.put("turns", last, byStep.get(1).size());
        growth(ok, settings).put(b);
        List<LoadRequest> lastRs = byStep.get(last);
        boolean server = lastRs.stream().allMatch(r -> r.promptTokens() >= 0);
        b.put("turn_prompt_tokens_last", lastRs.stream().mapToDouble(r -> server ? r.promptTokens()
                : r.promptTokensEst()).average().orElse(Double.NaN), lastRs.size());
    }

    /**
     * The growth of TTFT over the step numbers of the sessions' completed requests, relative to step 1's mean TTFT;
     * null where they have fewer than two step numbers or no step 1.
     */
    public static TurnGrowth growth(List<LoadRequest> ok, AnalysisSettings settings) {
        List<LoadRequest> rs = ok.stream().filter(r -> r.step() > 0).toList();
        if (rs.stream().noneMatch(r -> r.step() == 1) || rs.stream().mapToInt(LoadRequest::step).distinct().count() < 2) {
            return null;
        }
        double[] x = rs.stream().mapToDouble(LoadRequest::step).toArray();
        double[] y = rs.stream().mapToDouble(LoadRequest::ttftMs).toArray();
        double first = rs.stream().filter(r -> r.step() == 1).mapToDouble(LoadRequest::ttftMs).average().orElseThrow();
        return TurnGrowth.of(x, y, first, settings, "step");
    }

    /** The mean of a figure at each step number (NaN where no request of the step had it). */
    private static List<Metric.Item> byStep(Map<Integer, List<LoadRequest>> byStep,
            java.util.function.ToDoubleFunction<LoadRequest> f) {
        List<Metric.Item> items = new ArrayList<>();
        for (Map.Entry<Integer, List<LoadRequest>> e : byStep.entrySet()) {
            items.add(new Metric.Item("step " + e.getKey(), e.getValue().stream().mapToDouble(f)
                    .filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN), Unit.MILLISECONDS));
        }
        return items;
    }

    /** p99/p50 of the gaps, and the share of long gaps during which another request got its first token. */
    static void stalls(Metrics.Builder b, List<LoadRequest> ok, double[] itl) {
        if (itl.length < 2) {
            b.absentAll("fewer than two inter-token gaps", "load_itl_p99_p50", "load_itl_stalls_in_prefill_pct");
            return;
        }
        double[] s = LoadAnalysis.sortedCopy(itl);
        double p50 = Stats.quantileSorted(s, s.length, 0.5);
        double p99 = Stats.quantileSorted(s, s.length, 0.99);
        if (!(p50 > 0)) {
            b.absentAll("the median gap between tokens is 0 (chunks batched by the network)", "load_itl_p99_p50",
                    "load_itl_stalls_in_prefill_pct");
            return;
        }
        b.put("load_itl_p99_p50", p99 / p50, itl.length);
        double[] firsts = ok.stream().mapToDouble(LoadRequest::firstMs).filter(d -> !Double.isNaN(d)).sorted()
                .toArray();
        long stalls = 0;
        long during = 0;
        for (LoadRequest r : ok) {
            double[] c = r.chunkMs();
            for (int i = 1; i < c.length; i++) {
                if (c[i] - c[i - 1] > STALL_FACTOR * p50) {
                    stalls++;
                    if (firstDuring(firsts, c[i - 1], c[i], p50)) {
                        during++;
                    }
                }
            }
        }
        if (stalls == 0) {
            b.absent("load_itl_stalls_in_prefill_pct", "no gap above " + STALL_FACTOR + "x the median");
        } else {
            b.put("load_itl_stalls_in_prefill_pct", 100.0 * during / stalls, stalls);
        }
    }

    /**
     * Whether another request's first token came during the gap (a, b] between two chunks of a request: its prefill
     * ran then. Both ends move by half the median gap m: the stalled request's next chunk and the prefilled request's
     * first token leave the server in the same step, and two connections deliver them in either order (milliseconds
     * apart at most); a token of the next step comes about m later.
     */
    static boolean firstDuring(double[] sortedFirsts, double a, double b, double m) {
        return upper(sortedFirsts, b + m / 2) > upper(sortedFirsts, a + m / 2);
    }

    /** Index of the first value above x. */
    private static int upper(double[] sorted, double x) {
        int i = Arrays.binarySearch(sorted, Math.nextUp(x));
        return i >= 0 ? i : -i - 1;
    }

    /**
     * TTFT = a + b n + c n^2 over prompt length n (the server's count, else the estimate): the share of the quadratic
     * term in the fitted TTFT at the longest prompt measured. TTFT includes queueing, so this reads true for sync or
     * lightly loaded traffic. Absent, with the reason, unless the fit may decide ({@link PrefillCurve}).
     */
    static void quadratic(Metrics.Builder b, List<LoadRequest> ok, AnalysisSettings settings) {
        PrefillCurve c = PrefillCurve.of(ok, settings);
        if (c.judged().fit() == null) {
            b.absentAll(c.reason(), "load_prefill_quadratic_pct", "load_prefill_quadratic_p");
            return;
        }
        b.put("load_prefill_quadratic_p", c.judged().p(), ok.size());
        if (c.reason() != null) {
            b.absent("load_prefill_quadratic_pct", c.reason());
        } else {
            b.put("load_prefill_quadratic_pct", c.sharePct(), ok.size());
        }
    }
}
