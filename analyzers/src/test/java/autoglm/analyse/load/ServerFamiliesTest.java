package autoglm.analyse.load;

import autoglm.analyse.Metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.model.load.Scrape;
import autoglm.model.load.SeriesKey;
import autoglm.read.prometheus.Exposition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each family read as docs/analyses.md#server-metrics says, on pages in the engines' own shapes (issue 31): KV use
 * per data-parallel engine is not summed, a labelled child that appears late counts from 0, vLLM 0.8's names and
 * SGLang's retractions are read. The expected figures are the pages' own numbers, worked by hand in the comments.
 */
class ServerFamiliesTest {
    private static Scrape page(double t, String text) {
        Map<SeriesKey, Double> m = new LinkedHashMap<>();
        for (Exposition.Family f : Exposition.parse(text).families()) {
            f.samples().forEach(s -> m.put(SeriesKey.of(s.name(), s.labels()), s.value()));
        }
        return new Scrape(t, m);
    }

    private static Metrics analyze(Scrape... pages) {
        return ServerMetricsAnalysis.analyze(List.of(pages), "none");
    }

    /** vLLM --data-parallel-size 2: vllm:kv_cache_usage_perc per engine label; each at 50% is 50%, not 100%. */
    @Test
    void kvUsePerEngineIsNotSummed() {
        String dp = """
                # TYPE vllm:kv_cache_usage_perc gauge
                vllm:kv_cache_usage_perc{engine="0",model_name="glm"} %s
                vllm:kv_cache_usage_perc{engine="1",model_name="glm"} %s
                # TYPE vllm:num_requests_running gauge
                vllm:num_requests_running{engine="0",model_name="glm"} 3
                vllm:num_requests_running{engine="1",model_name="glm"} 2
                """;
        Metrics m = analyze(page(0, dp.formatted("0.5", "0.5")), page(500, dp.formatted("0.7", "0.3")));
        assertEquals(70, m.get("server_kv_usage_max_pct").value(), 1e-9); // the busiest engine's 0.7
        assertEquals(50, m.get("server_kv_usage_mean_pct").value(), 1e-9); // (0.5+0.5)/2 and (0.7+0.3)/2
        assertEquals(2, m.get("server_kv_engines").value());
        assertEquals(5, m.get("server_running_max").value()); // running adds: 3 + 2
        // the second bullet's diagnose --prometheus case: two engines at 70% read 70%, not 140%
        Metrics p = analyze(page(0, dp.formatted("0.7", "0.7")), page(1000, dp.formatted("0.7", "0.7")));
        assertEquals(70, p.get("server_kv_usage_max_pct").value(), 1e-9);
    }

    /**
     * SGLang: prometheus_client's labelled children appear on /metrics at their first use. The first page has no
     * cached-token counter and no TTFT histogram; both count from 0 when they appear.
     */
    @Test
    void lateSeriesCountFromZero() {
        String gauges = """
                # TYPE sglang:num_running_reqs gauge
                sglang:num_running_reqs{model_name="glm"} 0
                """;
        String later = gauges + """
                # TYPE sglang:prompt_tokens_total counter
                sglang:prompt_tokens_total{model_name="glm"} %s
                # TYPE sglang:cached_tokens_total counter
                sglang:cached_tokens_total{model_name="glm"} %s
                # TYPE sglang:time_to_first_token_seconds histogram
                sglang:time_to_first_token_seconds_bucket{le="0.1",model_name="glm"} %s
                sglang:time_to_first_token_seconds_bucket{le="+Inf",model_name="glm"} %s
                sglang:time_to_first_token_seconds_count{model_name="glm"} %s
                sglang:time_to_first_token_seconds_sum{model_name="glm"} %s
                """;
        Metrics m = analyze(page(0, gauges), page(500, later.formatted("1000", "900", "2", "2", "2", "0.1")),
                page(1000, later.formatted("2000", "1976", "6", "8", "8", "1.6")));
        // prompt tokens 2000 from 0, cached 1976 from 0: 98.8% (counting from the first value seen gave 1076/1000)
        assertEquals(98.8, m.get("server_prefix_hit_pct").value(), 1e-9);
        assertEquals(8, m.get("server_ttft_ms").n()); // 8 requests, not the 6 after the first appearance
        assertEquals(200, m.get("server_ttft_ms").value(), 1e-9); // 1.6 s / 8
    }

    /** vLLM 0.8's names: gpu_prefix_cache_*, gpu_cache_usage_perc, time_per_output_token_seconds. */
    @Test
    void vllm08Names() {
        String p = """
                # TYPE vllm:gpu_cache_usage_perc gauge
                vllm:gpu_cache_usage_perc{model_name="glm"} %s
                # TYPE vllm:gpu_prefix_cache_queries_total counter
                vllm:gpu_prefix_cache_queries_total{model_name="glm"} %s
                # TYPE vllm:gpu_prefix_cache_hits_total counter
                vllm:gpu_prefix_cache_hits_total{model_name="glm"} %s
                # TYPE vllm:time_per_output_token_seconds histogram
                vllm:time_per_output_token_seconds_bucket{le="0.01",model_name="glm"} %s
                vllm:time_per_output_token_seconds_bucket{le="+Inf",model_name="glm"} %s
                vllm:time_per_output_token_seconds_count{model_name="glm"} %s
                vllm:time_per_output_token_seconds_sum{model_name="glm"} %s
                """;
        Metrics m = analyze(page(0, p.formatted("0.1", "100", "10", "0", "0", "0", "0")),
                page(500, p.formatted("0.4", "1100", "510", "40", "50", "50", "0.4")));
        assertEquals(50, m.get("server_prefix_hit_pct").value(), 1e-9); // 500 hits of 1000 queries
        assertEquals(40, m.get("server_kv_usage_max_pct").value(), 1e-9);
        assertEquals(8, m.get("server_itl_ms").value(), 1e-9); // 0.4 s over 50 tokens
    }

    /** SGLang's retractions: its counter, else its older gauge of the last step's retractions (a lower bound). */
    @Test
    void sglangRetractions() {
        String counter = """
                # TYPE sglang:num_running_reqs gauge
                sglang:num_running_reqs{model_name="glm"} 4
                # TYPE sglang:num_retracted_requests_total counter
                sglang:num_retracted_requests_total{model_name="glm"} %s
                """;
        assertEquals(3, analyze(page(0, counter.formatted("2")), page(500, counter.formatted("5")))
                .get("server_preemptions").value());
        String gauge = """
                # TYPE sglang:num_running_reqs gauge
                sglang:num_running_reqs{model_name="glm"} 4
                # TYPE sglang:num_retracted_reqs gauge
                sglang:num_retracted_reqs{model_name="glm"} %s
                """;
        List<Scrape> pages = new ArrayList<>();
        String[] values = {"0", "2", "2", "0", "1"}; // two retraction steps seen: 2, then 1
        for (int i = 0; i < values.length; i++) {
            pages.add(page(i * 500, gauge.formatted(values[i])));
        }
        Metrics m = ServerMetricsAnalysis.analyze(pages, "none");
        assertEquals(3, m.get("server_preemptions").value());
        assertTrue(m.get("server_preemptions").present());
    }

    /** A series typed once: the label value with a comma and a brace survives, no name{labels} text re-parsed. */
    @Test
    void labelsAreTyped() {
        String p = """
                # TYPE vllm:num_requests_waiting gauge
                vllm:num_requests_waiting{model_name="a,b}c"} 2
                """;
        Metrics m = analyze(page(0, p), page(500, p));
        assertEquals(2, m.get("server_waiting_mean").value());
        assertFalse(m.get("server_kv_usage_max_pct").present());
    }
}
