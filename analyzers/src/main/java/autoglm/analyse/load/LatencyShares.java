package autoglm.analyse.load;

import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.analyse.Stats;
import autoglm.model.load.LoadRequest;
import java.util.List;

/**
 * Shares of request latency (E2EL) a load run's gains are taken from (docs/analyses.md, "Load runs"): the share
 * before the first token, and the time that stalls between tokens during another request's prefill add. Each is a
 * sum over the completed requests over their summed E2EL, so a share of the mean E2EL.
 */
final class LatencyShares {
    static final List<String> NAMES = MetricFamily.LOAD_LATENCY_SHARES.names();

    private LatencyShares() {
    }

    /**
     * {@code load_ttft_share_pct}: Σ TTFT / Σ E2EL. {@code load_prefill_stall_pct}: over every gap between token
     * chunks longer than {@link LoadPatterns#STALL_FACTOR} times the median gap m (of all the completed requests'
     * gaps, R-7) during which another request got its first token ({@link LoadPatterns#firstDuring}), the excess
     * gap − m, summed, over Σ E2EL.
     */
    static void put(Metrics.Builder b, List<LoadRequest> ok, double[] itl) {
        double e2el = 0;
        double ttft = 0;
        for (LoadRequest r : ok) {
            e2el += r.e2elMs();
            ttft += r.ttftMs();
        }
        if (ok.isEmpty() || !(e2el > 0)) {
            b.absentAll(ok.isEmpty() ? "no completed request" : "the requests took no time", NAMES.toArray(new String[0]));
            return;
        }
        b.put("load_ttft_share_pct", 100 * ttft / e2el, ok.size());
        if (itl.length < 2) {
            b.absent("load_prefill_stall_pct", "fewer than two inter-token gaps");
            return;
        }
        double[] s = LoadAnalysis.sortedCopy(itl);
        double median = Stats.quantileSorted(s, s.length, 0.5);
        if (!(median > 0)) {
            b.absent("load_prefill_stall_pct", "the median gap between tokens is 0 (chunks batched by the network)");
            return;
        }
        double[] firsts = ok.stream().mapToDouble(LoadRequest::firstMs).filter(d -> !Double.isNaN(d)).sorted()
                .toArray();
        double excess = 0;
        for (LoadRequest r : ok) {
            double[] c = r.chunkMs();
            for (int i = 1; i < c.length; i++) {
                double gap = c[i] - c[i - 1];
                if (gap > LoadPatterns.STALL_FACTOR * median && LoadPatterns.firstDuring(firsts, c[i - 1], c[i], median)) {
                    excess += gap - median;
                }
            }
        }
        b.put("load_prefill_stall_pct", 100 * excess / e2el, ok.size());
    }
}
