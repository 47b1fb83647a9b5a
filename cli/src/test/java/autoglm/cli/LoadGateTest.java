package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gate and compare take load runs: two real runs of the same seeded agent traffic against autoglm serve
 * (testdata/load: agent-glm-tiny with one request at a time and no prefix cache, agent-glm-tiny-fixed with four and
 * the cache), judged on p99 TTFT, goodput and E2EL; and the committed run as vLLM's bench serve result JSON.
 */
class LoadGateTest {
    private static final String SLOW = Fixtures.root().resolve("testdata/load/agent-glm-tiny").toString();
    private static final String FIXED = Fixtures.root().resolve("testdata/load/agent-glm-tiny-fixed").toString();

    @TempDir
    Path tmp;

    private Path thresholds() throws Exception {
        Path t = tmp.resolve("gate.yaml");
        Files.writeString(t, "load_ttft_ms.p99: +10%\nload_goodput: -5%\nload_e2el_ms: +10%\n");
        return t;
    }

    @Test
    void aSlowerServerFailsTheGateOnP99TtftAndGoodput() throws Exception {
        Run r = Run.of("gate", "--baseline", FIXED, "--current", SLOW, "--thresholds", thresholds().toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("fail    load_ttft_ms.p99"), r.out());
        assertTrue(r.out().contains("fail    load_goodput"), r.out());
        Run same = Run.of("gate", "--baseline", FIXED, "--current", FIXED, "--thresholds", thresholds().toString());
        assertEquals(0, same.code(), same.out() + same.err());
    }

    @Test
    void compareShowsTheLoadMetricsWithTheirNoise() {
        Run r = Run.of("compare", FIXED, SLOW);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith("load_e2el_ms") && l.contains("beyond noise")),
                r.out());
    }

    @Test
    void theVllmBenchJsonIsTheCheckers() throws Exception {
        Path out = tmp.resolve("vllm.json");
        Run r = Run.of("diagnose", SLOW, "--format", "vllm-bench", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        var got = Fixtures.json().readTree(out.toFile());
        var want = Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/load-agent-glm-tiny.json")
                .toFile());
        assertEquals(want.get("completed").asInt(), got.get("completed").asInt());
        assertEquals(want.get("duration_s").asDouble(), got.get("duration").asDouble(), 1e-9);
        assertEquals(want.get("request_throughput").asDouble(), got.get("request_throughput").asDouble(), 1e-9);
        assertEquals(want.get("total_input_tokens").asDouble(), got.get("total_input_tokens").asDouble(), 0);
        for (String m : new String[] {"ttft", "tpot", "itl", "e2el"}) {
            var w = want.get(m + "_ms");
            assertEquals(w.get("mean").asDouble(), got.get("mean_" + m + "_ms").asDouble(), 1e-9, m);
            assertEquals(w.get("median").asDouble(), got.get("median_" + m + "_ms").asDouble(), 1e-9, m);
            assertEquals(w.get("pstd").asDouble(), got.get("std_" + m + "_ms").asDouble(), 1e-9, m + ": numpy's std");
            assertEquals(w.get("p99").asDouble(), got.get("p99_" + m + "_ms").asDouble(), 1e-9, m);
        }
        assertEquals(12, got.get("ttfts").size());
        assertEquals("openai-chat", got.get("backend").asText());
    }
}
