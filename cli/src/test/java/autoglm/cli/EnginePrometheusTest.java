package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.LoopbackPrometheus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * diagnose --prometheus on engines autoglm did not make (issue 31, second and third bullets), read back from Debian's
 * Prometheus scraping two emulators: vLLM with two data-parallel engines under KV pressure (KV use per engine label:
 * the fleet's figure is the fullest engine's, never their sum), and SGLang, whose counters and histograms appear on
 * /metrics only at their first use (they count from 0: every request and every cached token of the window counts).
 * Expected figures come from the emulators' truth logs.
 */
class EnginePrometheusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void perEngineKvAndLateSeriesReadBackFromPrometheus() throws Exception {
        try (Emulator dp = Emulator.start(tmp.resolve("dp"), "vllm-dp2", List.of("--scenario", "kv-pressure",
                "--max-output", "48", "--kv-tokens", "1024", "--decode-ms", "25"));
                Emulator sg = Emulator.start(tmp.resolve("sg"), "sglang", List.of("--scenario", "healthy",
                "--max-output", "48", "--decode-ms", "8"));
                LoopbackPrometheus prom = LoopbackPrometheus.scraping(tmp, "engines", dp.port, sg.port)) {
            // a stored page of each before any traffic (SGLang's holds only its cache_config_info then)
            double firstPage = Math.max(stored(prom, "vllm:num_requests_running", dp.port),
                    stored(prom, "sglang:cache_config_info", sg.port));
            double windowStart = firstPage * 1000 - 500;
            load(dp, List.of("--workload", "agent", "--sessions", "4", "--steps", "3", "--image", "280x560",
                    "--think-time", "10ms-30ms"));
            load(sg, List.of("--workload", "agent", "--sessions", "2", "--steps", "4", "--image", "56x112",
                    "--think-time", "10ms-30ms", "--warmup", "0"));
            // until Prometheus holds each server's last request
            counted(prom, "vllm:e2e_request_latency_seconds_count", dp.port, dp.truth("request").size());
            counted(prom, "sglang:e2e_request_latency_seconds_count", sg.port, sg.truth("request").size());
            double endMs = System.currentTimeMillis() + 1000;
            Path out = tmp.resolve("fleet.json");
            Run r = Run.of("diagnose", "--prometheus", prom.api, "--start", Double.toString(windowStart / 1000),
                    "--end", Double.toString(endMs / 1000), "--selector", "{job=\"engines\"}", "--step", "1s",
                    "--format", "json", "-o", out.toString());
            assertEquals(0, r.code(), r.out() + r.err());
            JsonNode fleet = JSON.readTree(out.toFile()).get("fleet");
            JsonNode dpRow = row(fleet, dp.port);
            JsonNode sgRow = row(fleet, sg.port);

            double kvTruth = 100 * maxEngine(dp.truth("scrape"), "vllm:kv_cache_usage_perc");
            double kv = dpRow.get("metrics").get("server_kv_usage_max_pct").get("value").asDouble();
            assertTrue(kv <= kvTruth + 1e-9, "the fullest engine's use, not the engines' sum: " + kv + " > " + kvTruth);
            assertTrue(kv > 0, "KV use read: " + kv);
            // and it is the fullest engine of one page the emulator served, not two engines added
            List<Double> fullest = perPage(dp.truth("scrape"), "vllm:kv_cache_usage_perc");
            assertTrue(fullest.stream().anyMatch(x -> Math.abs(100 * x - kv) < 1e-9), kv + " is no page's fullest "
                    + "engine: " + fullest);
            assertEquals(2, dpRow.get("metrics").get("server_kv_engines").get("value").asInt());

            List<JsonNode> reqs = sg.truth("request");
            double prompt = reqs.stream().mapToDouble(x -> x.get("prompt_tokens").asDouble()).sum();
            double cached = reqs.stream().mapToDouble(x -> x.path("cached_tokens").asDouble()).sum();
            assertEquals(reqs.size(), sgRow.get("requests").asDouble(), "every SGLang request, from 0: " + sgRow);
            assertEquals(100 * cached / prompt, sgRow.get("metrics").get("server_prefix_hit_pct").get("value")
                    .asDouble(), 1e-6, "prefix hits counted from 0 as the counters appeared");
        }
    }

    private void load(Emulator e, List<String> traffic) throws Exception {
        List<String> args = new ArrayList<>(List.of("load", e.url(), "--out", tmp.resolve("runs").toString(),
                "--format", "json", "-o", tmp.resolve("load-" + e.port + ".json").toString()));
        args.addAll(traffic);
        Run r = Run.of(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err() + e.log());
    }

    private static JsonNode row(JsonNode fleet, int port) {
        for (JsonNode r : fleet.get("instances")) {
            if (r.get("instance").asText().equals("127.0.0.1:" + port)) {
                return r;
            }
        }
        throw new AssertionError("no instance 127.0.0.1:" + port + " in " + fleet);
    }

    /** Per page the emulator served, its fullest engine's value of {@code name}. */
    private static List<Double> perPage(List<JsonNode> scrapes, String name) {
        List<Double> out = new ArrayList<>();
        for (JsonNode s : scrapes) {
            double max = Double.NaN;
            for (Iterator<Map.Entry<String, JsonNode>> it = s.get("series").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals(name) || e.getKey().startsWith(name + "{")) {
                    max = Double.isNaN(max) ? e.getValue().asDouble() : Math.max(max, e.getValue().asDouble());
                }
            }
            if (!Double.isNaN(max)) {
                out.add(max);
            }
        }
        return out;
    }

    /** The highest value of one engine's series of {@code name} over every page the emulator served. */
    private static double maxEngine(List<JsonNode> scrapes, String name) {
        double max = 0;
        for (JsonNode s : scrapes) {
            for (Iterator<Map.Entry<String, JsonNode>> it = s.get("series").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals(name) || e.getKey().startsWith(name + "{")) {
                    max = Math.max(max, e.getValue().asDouble());
                }
            }
        }
        return max;
    }

    /** Waits (60 s at most) until Prometheus holds {@code name} of the target; the time of that sample (unix s). */
    private static double stored(LoopbackPrometheus prom, String name, int port) throws Exception {
        String q = "max(timestamp(" + name + "{instance=\"127.0.0.1:" + port + "\"}))";
        for (int i = 0; i < 600; i++) {
            double t = prom.now(q);
            if (!Double.isNaN(t)) {
                return t;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Prometheus never held " + name + " of 127.0.0.1:" + port);
    }

    /** Waits (60 s at most) until Prometheus's latest sum of the target's {@code name} is {@code n}. */
    private static void counted(LoopbackPrometheus prom, String name, int port, int n) throws Exception {
        String q = "sum(" + name + "{instance=\"127.0.0.1:" + port + "\"})";
        double last = Double.NaN;
        for (int i = 0; i < 600; i++) {
            last = prom.now(q);
            if (last == n) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Prometheus never held " + n + " of " + name + " of 127.0.0.1:" + port + " (last "
                + last + ")");
    }
}
