package autoglm.analyse.load;

import autoglm.analyse.Metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.diagnose.Diagnosed;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.rules.Finding;
import autoglm.rules.Severity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real load run (testdata/load/agent-glm-tiny: autoglm load --serve against autoglm serve --model glm-tiny on the
 * CPU, 3 agent sessions x 4 steps, max-num-seqs 1, prefix cache off, SLOs ttft=1s,e2el=2s) against the figures
 * tools/load_check.py computes from the same files by the definitions in docs/analyses.md
 * (testdata/expected/load-agent-glm-tiny.json), and the endpoint rules that must fire on it and stay silent.
 */
class LoadAnalysisTest {
    private static final Path RUN = Fixtures.root().resolve("testdata/load/agent-glm-tiny");

    private static JsonNode expected() throws Exception {
        return new ObjectMapper().readTree(Fixtures.root().resolve("testdata/expected/load-agent-glm-tiny.json")
                .toFile());
    }

    private static Diagnosed diagnosed() {
        return Diagnoser.withDefaults().diagnoseRun(RUN, note -> { });
    }

    private static void close(double want, double got, String what) {
        assertEquals(want, got, Math.abs(want) * 1e-9 + 1e-9, what);
    }

    @Test
    void distributionsAreTheCheckersToTheLastDigit() throws Exception {
        JsonNode want = expected();
        Map<String, LoadStats> dist = LoadAnalysis.distributions(diagnosed().run().load());
        // a run recorded before the role chunk was timed: its chunks all carried text, its first text is its TTFT
        for (String m : List.of("ttft", "first_text", "tpot", "itl", "e2el")) {
            JsonNode w = want.get(m + "_ms");
            LoadStats s = dist.get(m);
            assertEquals(w.get("n").asLong(), s.n(), m);
            close(w.get("mean").asDouble(), s.mean(), m + " mean");
            close(w.get("median").asDouble(), s.median(), m + " median");
            close(w.get("std").asDouble(), s.stdev(), m + " std");
            close(w.get("pstd").asDouble(), s.populationStdev(), m + " pstd");
            close(w.get("p90").asDouble(), s.p90(), m + " p90");
            close(w.get("p95").asDouble(), s.p95(), m + " p95");
            close(w.get("p99").asDouble(), s.p99(), m + " p99");
        }
    }

    @Test
    void metricsAreTheCheckers() throws Exception {
        JsonNode want = expected();
        Diagnosis d = diagnosed().diagnosis();
        Map<String, Double> pairs = Map.ofEntries(
                Map.entry("load_completed", want.get("completed").asDouble()),
                Map.entry("load_duration_ms", want.get("duration_s").asDouble() * 1000),
                Map.entry("load_request_rate", want.get("request_throughput").asDouble()),
                Map.entry("load_output_throughput", want.get("output_throughput").asDouble()),
                Map.entry("load_total_throughput", want.get("total_token_throughput").asDouble()),
                Map.entry("load_input_tokens", want.get("total_input_tokens").asDouble()),
                Map.entry("load_output_tokens", want.get("total_output_tokens").asDouble()),
                Map.entry("load_goodput", want.get("goodput").asDouble()),
                Map.entry("load_goodput_pct", want.get("goodput_pct").asDouble()),
                Map.entry("load_step_ttft_slope_ms", want.get("step_ttft_slope_ms").asDouble()),
                Map.entry("turn_ttft_growth_pct", want.get("turn_ttft_growth_pct").asDouble()),
                Map.entry("server_ttft_ms", want.get("server").get("ttft_ms").asDouble()),
                Map.entry("server_e2el_ms", want.get("server").get("e2el_ms").asDouble()),
                Map.entry("server_queue_ms", want.get("server").get("queue_ms").asDouble()));
        pairs.forEach((metric, value) -> {
            Metric m = d.metrics().get(metric);
            assertTrue(m.present(), metric + ": " + m.reason());
            close(value, m.value(), metric);
        });
        assertEquals("off", d.metrics().get("server_prefix_caching").text());
        assertFalse(d.metrics().get("server_prefix_hit_pct").present());
    }

    @Test
    void theClientsFiguresAgreeWithTheServersOwnHistograms() {
        Diagnosis d = diagnosed().diagnosis();
        // the client times from its send, the server from the request's arrival: the client sees the HTTP and
        // prompt-building time on top, never less
        for (String[] pair : new String[][] {{"load_ttft_ms", "server_ttft_ms"}, {"load_e2el_ms", "server_e2el_ms"}}) {
            double client = d.metrics().get(pair[0]).value();
            double server = d.metrics().get(pair[1]).value();
            assertTrue(client >= server && client <= server * 1.15 + 50, pair[0] + " " + client + " vs " + server);
            assertEquals(d.metrics().get(pair[0]).n(), d.metrics().get(pair[1]).n(), "the same requests");
        }
    }

    @Test
    void theEndpointRulesFireWhereTheyMustAndStaySilentElsewhere() {
        Diagnosis d = diagnosed().diagnosis();
        for (String id : List.of("queueing", "prefix-cache-miss", "latency-slo")) {
            Finding f = finding(d, id);
            assertTrue(f.isProblem() && f.severity().atLeast(Severity.WARNING), id + ": " + f.severity());
        }
        for (String id : List.of("preemption", "kv-cache-pressure", "image-heavy")) {
            assertEquals(Severity.OK, finding(d, id).severity(), id);
        }
        assertEquals(Severity.NOT_APPLICABLE, finding(d, "client-limited").severity(), "closed-loop traffic");
        // TTFT grew by step (metrics above), but most of it was waiting in the queue: queueing explains it
        Finding growth = finding(d, "multi-turn-growth");
        assertEquals(Severity.OK, growth.severity());
        assertTrue(growth.reason().contains("queue_share_pct"), growth.reason());
        assertEquals("latency-slo", d.findings().get(0).rule(), "the summary without a gain model first");
    }

    private static Finding finding(Diagnosis d, String id) {
        return d.findings().stream().filter(f -> f.rule().equals(id)).findFirst().orElseThrow();
    }
}
