package autoglm.analyse.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which evidence each endpoint rule decides from on each serving engine, or why it cannot decide there: the matrix
 * docs/rules.md prints ("Rules by engine") and the accuracy matrix of the test suite holds the rules to (every
 * "cannot" cell must be not applicable on that engine's emulator, every other cell must decide). What each engine
 * publishes is in docs/load.md#engines.
 */
public final class EngineEvidence {
    /** Engine keys, as the emulators name them, and their display names. */
    public static final Map<String, String> ENGINES = new LinkedHashMap<>();
    private static final String CANNOT = "cannot: ";
    private static final Map<String, Map<String, String>> CELLS = new LinkedHashMap<>();

    static {
        ENGINES.put("vllm", "vLLM V1");
        ENGINES.put("vllm-dp2", "vLLM V1, 2 DP engines");
        ENGINES.put("vllm-0.8", "vLLM 0.8");
        ENGINES.put("sglang", "SGLang");
        ENGINES.put("tgi", "TGI");
        ENGINES.put("llamacpp", "llama.cpp");
        ENGINES.put("ollama", "Ollama");
        String noMetrics = CANNOT + "Ollama serves no /metrics";
        row("queueing", "queue-time and e2e histograms", "the same, summed over the engines", "the same (0.8 names)",
                "`queue_time_seconds` and e2e histograms", "`tgi_request_queue_duration` and `tgi_request_duration`",
                "Little's law on `requests_deferred` while `requests_processing` is at its largest",
                "the load's TTFT above an unloaded baseline (`--baseline`, auto): waiting or interference, said as such");
        row("kv-cache-pressure", "`kv_cache_usage_perc`", "per engine: the fullest engine", "`gpu_cache_usage_perc`",
                "`token_usage`", CANNOT + "TGI publishes no KV-cache use", CANNOT
                + "current llama.cpp publishes no KV-cache use (older builds' `kv_cache_usage_ratio` is read)",
                noMetrics);
        row("preemption", "`num_preemptions_total`", "the same, summed", "`num_preemptions_total`",
                "`num_retracted_requests_total` (older: the `num_retracted_reqs` gauge, a lower bound)",
                CANNOT + "TGI does not count preemptions", CANNOT + "llama.cpp does not count preemptions", noMetrics);
        row("prefix-cache-miss", "`prefix_cache_hits_total` / `prefix_cache_queries_total`", "the same, summed",
                "`gpu_prefix_cache_hits_total` / `gpu_prefix_cache_queries_total`",
                "`cached_tokens_total` / `prompt_tokens_total`", CANNOT + "TGI does not count prefix-cache hits",
                CANNOT + "llama.cpp does not count prefix-cache hits", noMetrics);
        String client = "the client's own timing";
        row("latency-slo", client, client, client, client, client, client, client);
        row("prefill-interference", client, client, client, client, client, client, client);
        row("image-heavy", "the client's prompts", "the client's prompts", "the client's prompts",
                "the client's prompts", "the client's prompts", "the client's prompts", "the client's prompts");
        row("long-context", client + " (TTFT against the server's prompt count)", client, client, client, client,
                client, client);
        row("client-limited", client, client, client, client, client, client, client);
        row("multi-turn-growth", client + " (silent where the server's queue or its prefix misses explain it)", client,
                client, client, client, client, client);
    }

    private static void row(String rule, String... cells) {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> keys = List.copyOf(ENGINES.keySet());
        for (int i = 0; i < keys.size(); i++) {
            m.put(keys.get(i), cells[i]);
        }
        CELLS.put(rule, m);
    }

    private EngineEvidence() {
    }

    /** The rules in the matrix, each with its cell per engine (what it decides from, or "cannot: why"). */
    public static Map<String, Map<String, String>> cells() {
        return CELLS;
    }

    /** Why {@code rule} cannot decide on {@code engine}, or null when it can (or the matrix does not list it). */
    public static String cannotDecide(String rule, String engine) {
        String cell = CELLS.getOrDefault(rule, Map.of()).get(engine);
        return cell != null && cell.startsWith(CANNOT) ? cell.substring(CANNOT.length()) : null;
    }
}
