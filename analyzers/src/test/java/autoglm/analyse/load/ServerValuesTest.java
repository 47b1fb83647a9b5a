package autoglm.analyse.load;

import autoglm.analyse.Metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.model.load.Scrape;
import autoglm.model.load.SeriesKey;
import autoglm.read.prometheus.Exposition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 32, "Impossible figures accepted, exit 0, 'nothing lost'", its /metrics bullet: negative gauges (running -5,
 * KV -50%), a negative preemption count, decreasing histogram buckets (a server TTFT of -8,250 ms), "KV max
 * -Infinity%", a duplicated series where the last copy wins (a false kv-cache-pressure WARNING). Each page is real
 * exposition text made into a scrape as {@code load}'s scraper makes it; what is refused is left out and counted
 * (docs/analyses.md#server-metrics, "What is refused"), and the figures are those of the pages' believable values,
 * worked by hand in the comments. Every assertion here failed on the code before the check (f85d8ae).
 */
class ServerValuesTest {
    /** A page as MetricsScraper keeps it: every sample of every family by its series. */
    private static Scrape page(double t, String text) {
        Map<SeriesKey, Double> m = new LinkedHashMap<>();
        for (Exposition.Family f : Exposition.parse(text).families()) {
            f.samples().forEach(s -> m.put(SeriesKey.of(s.name(), s.labels()), s.value()));
        }
        return new Scrape(t, m);
    }

    private static final String GAUGES = """
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{model_name="glm"} %s
            # TYPE vllm:kv_cache_usage_perc gauge
            vllm:kv_cache_usage_perc{model_name="glm"} %s
            # TYPE vllm:num_preemptions_total counter
            vllm:num_preemptions_total{model_name="glm"} %s
            """;

    @Test
    void negativeAndNonFiniteGaugesAndCountersAreRefusedAndCounted() {
        List<Scrape> pages = List.of(page(0, GAUGES.formatted("2", "0.2", "0")),
                page(1000, GAUGES.formatted("-5", "-0.5", "-3")),
                page(2000, GAUGES.formatted("4", "-Inf", "2")),
                page(3000, GAUGES.formatted("NaN", "0.4", "+Inf")));
        Metrics m = ServerMetricsAnalysis.analyze(pages, "none");
        // running: the believable 2 and 4 (not -5, not NaN): mean 3, max 4
        assertEquals(3, m.get("server_running_mean").value(), 1e-9);
        assertEquals(4, m.get("server_running_max").value(), 1e-9);
        // KV: 0.2 and 0.4 (not -0.5, not -Inf): max 40%, mean 30%
        assertEquals(40, m.get("server_kv_usage_max_pct").value(), 1e-9);
        assertEquals(30, m.get("server_kv_usage_mean_pct").value(), 1e-9);
        // preemptions: 0 then 2 (the -3 and +Inf refused): 2, never negative
        assertEquals(2, m.get("server_preemptions").value(), 1e-9);
        Map<String, Long> refused = ServerMetricsAnalysis.refused(pages);
        assertEquals(2L, refused.get(ServerValues.NEGATIVE)); // running -5, preemptions -3
        assertEquals(1L, refused.get(ServerValues.KV_RANGE)); // -0.5
        assertEquals(3L, refused.get(ServerValues.NOT_FINITE)); // -Inf, NaN, +Inf
    }

    @Test
    void everyValueRefusedSaysSoAndIsNeverInfinite() {
        Metrics m = ServerMetricsAnalysis.analyze(List.of(page(0, GAUGES.formatted("1", "-Inf", "0")),
                page(1000, GAUGES.formatted("1", "-Inf", "0"))), "none");
        assertFalse(m.get("server_kv_usage_max_pct").present(), m.get("server_kv_usage_max_pct").toString());
        assertTrue(m.get("server_kv_usage_max_pct").reason().contains("refused"), m.get("server_kv_usage_max_pct")
                .reason());
    }

    private static final String TTFT = """
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{model_name="glm"} 1
            # TYPE vllm:time_to_first_token_seconds histogram
            vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="glm"} %s
            vllm:time_to_first_token_seconds_bucket{le="1.0",model_name="glm"} %s
            vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="glm"} %s
            vllm:time_to_first_token_seconds_count{model_name="glm"} %s
            vllm:time_to_first_token_seconds_sum{model_name="glm"} %s
            """;

    @Test
    void aHistogramThatIsNotCumulativeOnAPageIsLeftOutOfThatPage() {
        // page 2's buckets decrease as le grows (10 then 2) and its sum is below page 1's: read as given, the sum's
        // fall was a reset and the mean TTFT 0.45 s
        List<Scrape> pages = List.of(page(0, TTFT.formatted("0", "0", "0", "0", "0")),
                page(1000, TTFT.formatted("4", "8", "10", "10", "3.0")),
                page(2000, TTFT.formatted("10", "2", "10", "10", "0.5")),
                page(3000, TTFT.formatted("6", "14", "20", "20", "6.0")));
        Metrics m = ServerMetricsAnalysis.analyze(pages, "none");
        // page 2 left out: count 0 -> 10 -> 20, sum 0 -> 3 -> 6: 20 requests, mean 0.3 s
        assertEquals(20, m.get("server_ttft_ms").n());
        assertEquals(300, m.get("server_ttft_ms").value(), 1e-9);
        // 5 series of the page refused whole (3 buckets, count, sum)
        assertEquals(5L, ServerMetricsAnalysis.refused(pages).get(ServerValues.NOT_CUMULATIVE));
    }

    @Test
    void aPlusInfBucketThatIsNotTheCountIsRefused() {
        List<Scrape> pages = List.of(page(0, TTFT.formatted("0", "0", "0", "0", "0")),
                page(1000, TTFT.formatted("4", "8", "10", "99", "3.0")),
                page(2000, TTFT.formatted("6", "14", "20", "20", "6.0")));
        Metrics m = ServerMetricsAnalysis.analyze(pages, "none");
        assertEquals(20, m.get("server_ttft_ms").n()); // 0 -> 20, the page claiming 99 left out
        assertEquals(5L, ServerMetricsAnalysis.refused(pages).get(ServerValues.INF_NOT_COUNT));
    }

    /**
     * A series given twice on one page: the scraper kept the last copy (99%), a false kv-cache-pressure warning. The
     * page is refused that series: both copies are left out, counted among the page's malformed lines.
     */
    @Test
    void aSeriesGivenTwiceOnAPageIsRefusedNotLastWins() {
        String text = """
                # TYPE vllm:kv_cache_usage_perc gauge
                vllm:kv_cache_usage_perc{engine="0",model_name="glm"} 0.1
                vllm:kv_cache_usage_perc{model_name="glm",engine="0"} 0.99
                vllm:kv_cache_usage_perc{engine="1",model_name="glm"} 0.2
                """;
        Exposition.Page p = Exposition.parse(text);
        assertEquals(2, p.duplicates());
        assertEquals(1, p.malformed().size(), p.malformed().toString());
        assertTrue(p.malformed().get(0).startsWith("line 3: series vllm:kv_cache_usage_perc"), p.malformed().get(0));
        Metrics m = ServerMetricsAnalysis.analyze(List.of(page(0, text), page(1000, text)), "none");
        assertEquals(20, m.get("server_kv_usage_max_pct").value(), 1e-9); // engine 1's 0.2: engine 0 refused
    }
}
