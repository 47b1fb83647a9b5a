package autoglm.analyse;

import autoglm.model.load.LoadRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * Patterns across the requests of a load run (docs/analyses.md, "Load runs"): latency growth over the steps of
 * sessions, stalls between tokens that coincide with another request's prefill, and the quadratic share of the
 * prompt-length cost.
 */
final class LoadPatterns {
    /** A gap this many times the median ITL is a stall. */
    static final double STALL_FACTOR = 3;
    /** Requests, and distinct prompt lengths, the quadratic fit needs. */
    static final int FIT_MIN_REQUESTS = 8;
    static final int FIT_MIN_LENGTHS = 3;

    private LoadPatterns() {
    }

    /** TTFT by step number within sessions: its least-squares slope, the slope relative to step 1, the last prompt. */
    static void steps(Metrics.Builder b, List<LoadRequest> ok) {
        List<LoadRequest> rs = ok.stream().filter(r -> r.step() > 0).toList();
        Map<Integer, List<LoadRequest>> byStep = new TreeMap<>();
        for (LoadRequest r : rs) {
            byStep.computeIfAbsent(r.step(), k -> new ArrayList<>()).add(r);
        }
        String[] names = {"load_step_ttft_slope_ms", "load_ttft_by_step", "load_e2el_by_step", "load_thinking_by_step",
            "turns", "turn_ttft_growth_pct", "turn_prompt_tokens_last"};
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
        double slope = WorkloadAnalysis.slope(x, y);
        double first = byStep.get(1).stream().mapToDouble(LoadRequest::ttftMs).average().orElse(Double.NaN);
        int last = ((TreeMap<Integer, List<LoadRequest>>) byStep).lastKey();
        b.put("load_step_ttft_slope_ms", slope, rs.size());
        b.put("turns", last, byStep.get(1).size());
        b.put("turn_ttft_growth_pct", first > 0 ? 100 * slope / first : 0, rs.size());
        List<LoadRequest> lastRs = byStep.get(last);
        boolean server = lastRs.stream().allMatch(r -> r.promptTokens() >= 0);
        b.put("turn_prompt_tokens_last", lastRs.stream().mapToDouble(r -> server ? r.promptTokens()
                : r.promptTokensEst()).average().orElse(Double.NaN), lastRs.size());
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
                    // another request's first token inside (c[i-1], c[i]]: its prefill ran in this gap
                    int from = upper(firsts, c[i - 1]);
                    int count = upper(firsts, c[i]) - from;
                    if (count > 0) {
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

    /** Index of the first value above x. */
    private static int upper(double[] sorted, double x) {
        int i = Arrays.binarySearch(sorted, Math.nextUp(x));
        return i >= 0 ? i : -i - 1;
    }

    /**
     * TTFT = a + b n + c n^2 over prompt length n (the server's count, else the estimate): the share of the quadratic
     * term at the longest prompt. TTFT includes queueing, so this reads true for sync or lightly loaded traffic.
     */
    static void quadratic(Metrics.Builder b, List<LoadRequest> ok) {
        boolean server = !ok.isEmpty() && ok.stream().allMatch(r -> r.promptTokens() >= 0);
        double[] n = ok.stream().mapToDouble(r -> server ? r.promptTokens() : r.promptTokensEst()).toArray();
        double[] y = ok.stream().mapToDouble(LoadRequest::ttftMs).toArray();
        long distinct = Arrays.stream(n).distinct().count();
        if (ok.size() < FIT_MIN_REQUESTS || distinct < FIT_MIN_LENGTHS) {
            b.absent("load_prefill_quadratic_pct", "needs " + FIT_MIN_REQUESTS + " completed requests of at least "
                    + FIT_MIN_LENGTHS + " prompt lengths");
            return;
        }
        double scale = Arrays.stream(n).max().orElse(1);
        double[][] x = new double[n.length][2];
        for (int i = 0; i < n.length; i++) {
            double u = n[i] / scale;
            x[i][0] = u;
            x[i][1] = u * u;
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        try {
            ols.newSampleData(y, x);
            double[] beta = ols.estimateRegressionParameters();
            double quad = Math.max(0, beta[2]);
            double total = beta[0] + beta[1] + beta[2];
            b.put("load_prefill_quadratic_pct", total > 0 ? Math.min(100, 100 * quad / total) : 0, ok.size());
        } catch (RuntimeException e) {
            b.absent("load_prefill_quadratic_pct", "the fit is singular (prompt lengths too alike)");
        }
    }
}
