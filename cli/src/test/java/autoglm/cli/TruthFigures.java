package autoglm.cli;

import autoglm.read.prometheus.Exposition;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures autoglm read from a server, set against the emulator's truth log (docs/benchmarks.md, "Accuracy
 * matrix", states these tolerances). The measured requests are the truth's last requests, as many as the load
 * measured (the warm-up and an unloaded baseline come before them).
 * <ul>
 * <li>Server histograms (E2EL, queue time, TTFT: the mean of the values the emulator observed into them), counters
 * (preemptions, prefix hits) and the KV gauge's highest engine: equal to the truth to 0.01 ms, 1e-6 points or
 * exactly: they are the same numbers the emulator observed.</li>
 * <li>Prefix hits are checked only where no request was preempted (vLLM counts a recomputed prompt's queries
 * again).</li>
 * <li>vLLM 0.8's prefix hits, counted in blocks of 16 tokens: within 1 point of the tokens' share.</li>
 * <li>The client's TTFT from its own send (TTFT minus the client's wait behind the schedule) against the truth's
 * first chunk: within 15 ms + 10% (the emulator times from the parsed request: loopback and HTTP in between, on a
 * shared CPU).</li>
 * <li>The queue share by an estimating route: from the server's queue histogram against the client's E2EL, within 3
 * points + 5%; by Little's law on the waiting gauge (sampled every 500 ms), within 3 points + 35%.</li>
 * </ul>
 */
final class TruthFigures {
    private static final List<String> E2E = List.of("vllm:e2e_request_latency_seconds",
            "sglang:e2e_request_latency_seconds", "tgi_request_duration");
    private static final List<String> QUEUE = List.of("vllm:request_queue_time_seconds", "sglang:queue_time_seconds",
            "tgi_request_queue_duration");
    private static final List<String> TTFT = List.of("vllm:time_to_first_token_seconds",
            "sglang:time_to_first_token_seconds");
    private static final List<String> KV = List.of("vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc",
            "sglang:token_usage", "llamacpp:kv_cache_usage_ratio");

    /** The lines of the comparison, and those that missed; {@code engine} says which figures must have been read. */
    record Compared(List<String> lines, List<String> misses, String engine) {
    }

    /**
     * The server figures autoglm must read from each engine (docs/load.md#engines): a figure of this list that it
     * reports absent is a miss, as much as a wrong one.
     */
    private static final java.util.Set<String> VLLM = java.util.Set.of("server_e2el_ms", "server_queue_ms",
            "server_ttft_ms", "server_preemptions", "server_prefix_hit_pct", "server_kv_usage_max_pct");
    static final Map<String, java.util.Set<String>> MUST_READ = Map.of("vllm", VLLM, "vllm-dp2", VLLM, "vllm-0.8",
            VLLM, "sglang", VLLM, "tgi", java.util.Set.of("server_e2el_ms", "server_queue_ms"), "llamacpp",
            java.util.Set.of(), "ollama", java.util.Set.of());

    static Compared compare(JsonNode report, Emulator e) throws Exception {
        List<JsonNode> scrapes = e.truth("scrape");
        List<JsonNode> all = e.truth("request");
        JsonNode m = report.get("metrics");
        // the measured requests are the load's last: the warm-up and the unloaded baseline come before them
        int measured = m.path("load_requests").path("value").asInt(0);
        List<JsonNode> byArrival = new ArrayList<>(all);
        byArrival.sort(java.util.Comparator.comparingDouble(r -> r.get("arrival_ms").asDouble()));
        List<JsonNode> req = byArrival.subList(Math.max(0, byArrival.size() - measured), byArrival.size()).stream()
                .filter(r -> "ok".equals(r.path("status").asText("ok"))).toList();
        List<String> lines = new ArrayList<>();
        List<String> misses = new ArrayList<>();
        Compared c = new Compared(lines, misses, e.engine);
        if (req.isEmpty()) {
            misses.add("the truth log has no measured request");
            return c;
        }
        double e2el = mean(req, r -> r.get("end_ms").asDouble() - r.get("arrival_ms").asDouble());
        double queue = mean(req, r -> r.get("queue_ms").asDouble());
        // the server's histograms: the mean of what the emulator observed into them, per family, in ms
        check(c, m, "server_e2el_ms", observed(req, E2E), 0.01, 0);
        check(c, m, "server_queue_ms", observed(req, QUEUE), 0.01, 0);
        check(c, m, "server_ttft_ms", observed(req, TTFT), 0.01, 0);
        check(c, m, "server_preemptions", sum(req, r -> r.path("preemptions").asDouble()), 0, 0);
        double prompt = sum(req, r -> r.get("prompt_tokens").asDouble());
        double cached = sum(req, r -> r.path("cached_tokens").asDouble());
        // vLLM counts a preempted request's recomputed prompt as queries (and hits) again, the truth per request once
        boolean preempted = req.stream().anyMatch(r -> r.path("preemptions").asInt() > 0);
        if (prompt > 0 && !preempted && cached > 0) {
            // vLLM 0.8 counts its prefix-cache queries and hits in blocks of 16 tokens: within a point of the tokens'
            // (with caching off, vLLM counts no query: the figure is absent, "no prefix-cache query")
            check(c, m, "server_prefix_hit_pct", 100 * cached / prompt, e.engine.equals("vllm-0.8") ? 1 : 1e-6, 0);
        }
        double kv = kvMax(scrapes);
        if (!Double.isNaN(kv)) {
            check(c, m, "server_kv_usage_max_pct", 100 * kv, 1e-6, 0);
        }
        // the client's TTFT counts from the scheduled send (docs/analyses.md); from its own send it is TTFT minus the
        // client's wait, which the emulator's clock sees from the request's arrival
        JsonNode ttft = m.get("load_ttft_ms");
        JsonNode wait = m.get("load_client_wait_ms");
        if (ttft != null && ttft.hasNonNull("value") && wait != null && wait.hasNonNull("value")) {
            double fromSend = ttft.get("value").asDouble() - wait.get("value").asDouble();
            // from the moment the emulator had the request's headers: reading and parsing a body of megabytes
            // (image-heavy) is the server's time on a busy machine, not the client's error
            double truth = mean(req, r -> r.get("first_chunk_ms").asDouble() - r.path("received_ms")
                    .asDouble(r.get("arrival_ms").asDouble()));
            boolean ok = Math.abs(fromSend - truth) <= 15 + 0.10 * truth;
            String line = String.format(Locale.ROOT, "TTFT from the send %.3f vs %.3f", fromSend, truth);
            c.lines().add(line + (ok ? "" : " MISS"));
            if (!ok) {
                c.misses().add(line + " (tolerance 15 ms + 10%)");
            }
        }
        String basis = m.path("queue_basis").path("text").asText("");
        double share = 100 * queue / e2el;
        if (basis.startsWith("server-queue-client-e2el")) {
            check(c, m, "queue_share_pct", share, 3, 0.05);
        } else if (basis.startsWith("waiting-gauge")) {
            check(c, m, "queue_share_pct", share, 3, 0.35);
        }
        return c;
    }

    private static void check(Compared c, JsonNode m, String name, double truth, double abs, double rel) {
        JsonNode x = m.get(name);
        if (Double.isNaN(truth)) {
            if (x != null && x.get("value") != null && !x.get("value").isNull()) {
                c.misses().add(name + " " + x.get("value").asDouble() + " read, but the emulator observed none");
            }
            return;
        }
        if (x == null || x.get("value") == null || x.get("value").isNull()) {
            if (MUST_READ.getOrDefault(c.engine(), java.util.Set.of()).contains(name)) {
                c.misses().add(name + " not read (" + (x == null ? "absent" : x.path("reason").asText()) + "), but "
                        + c.engine() + " publishes it");
            }
            return; // not published by this engine: the rule matrix says why
        }
        double got = x.get("value").asDouble();
        boolean ok = Math.abs(got - truth) <= abs + rel * Math.abs(truth);
        String line = String.format(Locale.ROOT, "%s %.3f vs %.3f", name, got, truth);
        c.lines().add(line + (ok ? "" : " MISS"));
        if (!ok) {
            c.misses().add(line + " (tolerance " + abs + " + " + (100 * rel) + "%)");
        }
    }

    /** The highest engine's KV use at any truth scrape from the first on (a fraction). */
    private static double kvMax(List<JsonNode> scrapes) {
        double max = Double.NaN;
        for (JsonNode s : scrapes) {
            for (Iterator<Map.Entry<String, JsonNode>> it = s.get("series").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Exposition.Page p = Exposition.parse(e.getKey() + " " + e.getValue().asText() + "\n");
                for (Exposition.Family f : p.families()) {
                    for (Exposition.Sample x : f.samples()) {
                        if (KV.contains(x.name()) && !Double.isNaN(x.value())) {
                            max = Double.isNaN(max) ? x.value() : Math.max(max, x.value());
                        }
                    }
                }
            }
        }
        return max;
    }

    /** The mean in ms of the values the requests observed into the first of {@code families} any has; NaN if none. */
    private static double observed(List<JsonNode> req, List<String> families) {
        for (String f : families) {
            double sum = 0;
            int n = 0;
            for (JsonNode r : req) {
                for (JsonNode v : r.path("observed").path(f)) {
                    sum += v.asDouble();
                    n++;
                }
            }
            if (n > 0) {
                return 1000 * sum / n;
            }
        }
        return Double.NaN;
    }

    private static double mean(List<JsonNode> xs, java.util.function.ToDoubleFunction<JsonNode> f) {
        return xs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static double sum(List<JsonNode> xs, java.util.function.ToDoubleFunction<JsonNode> f) {
        return xs.stream().mapToDouble(f).sum();
    }
}
