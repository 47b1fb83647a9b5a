package autoglm.analyse.load;

import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.analyse.Spread;
import autoglm.analyse.Stats;
import autoglm.model.load.LoadRecording;
import java.util.List;
import java.util.Set;

/**
 * Metrics from the server's own /metrics over a load run (docs/analyses.md, "Server metrics"): its queue, running
 * batch, KV-cache use, preemptions, prefix-cache hits and its latency histograms, under vLLM's names (old and new),
 * SGLang's, TGI's and llama.cpp's, each family read by {@link ServerSeries} (docs/analyses.md#server-metrics). Gauges
 * are averaged over the scrapes (KV use per engine); counters and histograms are the increase from the first scrape to
 * the last, so earlier traffic does not count, and a series that appears later counts from 0.
 */
public final class ServerMetricsAnalysis {
    // Every family's names, newest first, then older releases' and other engines'; docs/analyses.md#server-metrics
    // and docs/load.md#engines list which engine publishes which. Gauges that add across engines: RUNNING, WAITING;
    // a gauge per engine that does not add: KV (a fraction 0-1 under every name).
    static final String[] RUNNING = {"vllm:num_requests_running", "sglang:num_running_reqs", "tgi_batch_current_size",
        "llamacpp:requests_processing"};
    static final String[] WAITING = {"vllm:num_requests_waiting", "sglang:num_queue_reqs", "tgi_queue_size",
        "llamacpp:requests_deferred"};
    static final String[] KV = {"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc", "sglang:token_usage",
        "llamacpp:kv_cache_usage_ratio"};
    /** Counters of preempted requests: vLLM's, SGLang's retractions (its counter; its older gauge below). */
    static final String[] PREEMPTIONS = {"vllm:num_preemptions_total", "vllm:num_preemptions",
        "sglang:num_retracted_requests_total"};
    /** SGLang's gauge of the requests the last scheduling step retracted (before its counter existed). */
    static final String RETRACTED_GAUGE = "sglang:num_retracted_reqs";
    /** vLLM's cache configuration, its labels read (enable_prefix_caching). */
    static final String CACHE_CONFIG = "vllm:cache_config_info";
    /** Prefix-cache queries and hits in tokens: vLLM V1 (0.9 on), then vLLM 0.8's gpu_ names. */
    static final String[] PREFIX_QUERIES = {"vllm:prefix_cache_queries_total", "vllm:prefix_cache_queries",
        "vllm:gpu_prefix_cache_queries_total", "vllm:gpu_prefix_cache_queries"};
    static final String[] PREFIX_HITS = {"vllm:prefix_cache_hits_total", "vllm:prefix_cache_hits",
        "vllm:gpu_prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits"};
    static final String[] PROMPT_TOKENS = {"vllm:prompt_tokens_total", "sglang:prompt_tokens_total",
        "llamacpp:prompt_tokens_total"};
    static final String[] CACHED_TOKENS = {"sglang:cached_tokens_total"};
    static final String[] TTFT = {"vllm:time_to_first_token_seconds", "sglang:time_to_first_token_seconds"};
    public static final String[] E2E = {"vllm:e2e_request_latency_seconds", "sglang:e2e_request_latency_seconds",
        "tgi_request_duration"};
    static final String[] QUEUE = {"vllm:request_queue_time_seconds", "sglang:queue_time_seconds",
        "tgi_request_queue_duration"};
    static final String[] PREFILL = {"vllm:request_prefill_time_seconds"};
    static final String[] DECODE = {"vllm:request_decode_time_seconds"};
    static final String[] ITL = {"vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds",
        "sglang:inter_token_latency_seconds", "sglang:time_per_output_token_seconds",
        "tgi_request_mean_time_per_token_duration"};

    private ServerMetricsAnalysis() {
    }

    public static Set<String> metricNames() {
        return MetricFamily.names(MetricFamily.SERVER);
    }

    public static Metrics analyze(LoadRecording rec) {
        String why = rec.settings().metricsUrl().isEmpty() ? "server metrics were not scraped (--no-server-metrics)"
                : "no scrape of " + rec.settings().metricsUrl() + " succeeded" + (rec.scrapeErrors().isEmpty() ? ""
                : " (" + String.join(", ", rec.scrapeErrors().keySet()) + ")");
        return analyze(rec.scrapes(), why);
    }

    /**
     * The same metrics from any sequence of a server's pages in time order (one instance's series read back from
     * Prometheus, say); {@code whyNone} is the reason given when there is none.
     */
    public static Metrics analyze(List<autoglm.model.load.Scrape> scrapes, String whyNone) {
        Metrics.Builder b = new Metrics.Builder();
        if (scrapes.isEmpty()) {
            return b.absentAll(whyNone, metricNames().toArray(new String[0])).build();
        }
        ServerSeries s = new ServerSeries(scrapes);
        int n = s.size();
        b.put("server_scrapes", n, n);
        String kind = kind(s);
        if (kind == null) {
            return b.absentAll("the /metrics page carries none of vLLM's, SGLang's, TGI's or llama.cpp's metrics",
                    metricNames().stream().filter(m -> !m.equals("server_scrapes")).toArray(String[]::new)).build();
        }
        b.text("server_kind", kind, n);
        gauge(b, s, RUNNING, "server_running_mean", "server_running_max");
        String waiting = s.find(WAITING);
        if (waiting == null) {
            b.absentAll(s.absent("the server does not publish its waiting queue", WAITING), "server_waiting_mean",
                    "server_waiting_time_pct");
        } else {
            double[] w = present(s.summed(waiting));
            b.put("server_waiting_mean", Stats.mean(w, w.length), w.length, Stats.spread(w, w.length));
            long busy = java.util.Arrays.stream(w).filter(v -> v >= 1).count();
            b.put("server_waiting_time_pct", 100.0 * busy / w.length, w.length);
        }
        kv(b, s);
        preemptions(b, s);
        prefix(b, s);
        Timed e2e = hist(b, s, E2E, "server_e2el_ms");
        hist(b, s, TTFT, "server_ttft_ms");
        Timed queue = hist(b, s, QUEUE, "server_queue_ms");
        Timed prefill = hist(b, s, PREFILL, "server_prefill_ms");
        Timed decode = hist(b, s, DECODE, "server_decode_ms");
        hist(b, s, ITL, "server_itl_ms");
        share(b, "server_queue_share_pct", queue, e2e);
        share(b, "server_prefill_share_pct", prefill, e2e);
        share(b, "server_decode_share_pct", decode, e2e);
        return b.build();
    }

    /**
     * The values of these pages the analyses refuse (docs/analyses.md#server-metrics, "What is refused"), by reason:
     * what the run's data loss counts of the server's pages.
     */
    public static java.util.Map<String, Long> refused(List<autoglm.model.load.Scrape> scrapes) {
        return scrapes.isEmpty() ? java.util.Map.of() : new ServerSeries(scrapes).refused();
    }

    /**
     * Whether the analyses read a series of this name: a family's, its histogram's _bucket, _count or _sum, or an
     * engine's info series (*_info: vLLM's cache_config_info is read, and SGLang's is the only series of its pages
     * before its first request, so it marks the pages before which a later series counts from 0). What a fleet read
     * back from Prometheus keeps.
     */
    public static boolean reads(String name) {
        return name != null && (ServerValues.checked(name) || name.endsWith("_info"));
    }

    static String kind(ServerSeries s) {
        if (s.find(RUNNING[0], WAITING[0], KV[0], KV[1], TTFT[0], E2E[0]) != null) {
            return "vllm";
        }
        if (s.find(RUNNING[1], WAITING[1], KV[2], TTFT[1]) != null) {
            return "sglang";
        }
        if (s.find(RUNNING[2], WAITING[2], E2E[2]) != null) {
            return "tgi";
        }
        if (s.find(RUNNING[3], WAITING[3]) != null) {
            return "llama.cpp";
        }
        return null;
    }

    private static void gauge(Metrics.Builder b, ServerSeries s, String[] names, String mean, String max) {
        String name = s.find(names);
        if (name == null) {
            b.absentAll(s.absent("the server does not publish it", names), mean, max);
            return;
        }
        double[] v = present(s.summed(name));
        b.put(mean, Stats.mean(v, v.length), v.length, Stats.spread(v, v.length));
        b.put(max, java.util.Arrays.stream(v).max().orElse(Double.NaN), v.length);
    }

    private static double[] present(double[] v) {
        return java.util.Arrays.stream(v).filter(x -> !Double.isNaN(x)).toArray();
    }

    /**
     * KV-cache use per engine (a data-parallel server publishes one gauge per engine; their fractions do not add):
     * the highest engine at any page, and the mean of the engines over the pages.
     */
    private static void kv(Metrics.Builder b, ServerSeries s) {
        String kv = s.find(KV);
        if (kv == null) {
            b.absentAll(s.absent("the server does not publish its KV-cache use", KV), "server_kv_usage_mean_pct",
                    "server_kv_usage_max_pct", "server_kv_engines");
            return;
        }
        double[] max = java.util.Arrays.stream(present(s.maxEngine(kv))).map(x -> 100 * x).toArray();
        double[] mean = java.util.Arrays.stream(present(s.meanEngine(kv))).map(x -> 100 * x).toArray();
        b.put("server_kv_usage_mean_pct", Stats.mean(mean, mean.length), mean.length, Stats.spread(mean, mean.length));
        b.put("server_kv_usage_max_pct", java.util.Arrays.stream(max).max().orElse(Double.NaN), max.length);
        b.put("server_kv_engines", s.engines(kv).size(), max.length);
    }

    /**
     * Preempted requests: the counter's increase (vLLM's, SGLang's retractions); with only SGLang's older gauge of
     * the last step's retractions, the sum of its values at the pages where it changed to a positive value (a lower
     * bound: steps that retracted between two pages are missed).
     */
    private static void preemptions(Metrics.Builder b, ServerSeries s) {
        String name = s.find(PREEMPTIONS);
        if (name != null) {
            double inc = s.increase(name);
            if (Double.isNaN(inc)) {
                b.absent("server_preemptions", "fewer than two scrapes");
            } else {
                b.put("server_preemptions", inc, s.size());
            }
            return;
        }
        if (s.find(RETRACTED_GAUGE) != null) {
            double[] v = s.summed(RETRACTED_GAUGE);
            double total = 0;
            double prev = 0;
            for (double x : v) {
                if (!Double.isNaN(x)) {
                    if (x > 0 && x != prev) {
                        total += x;
                    }
                    prev = x;
                }
            }
            b.put("server_preemptions", total, s.size());
            return;
        }
        b.absent("server_preemptions", s.absent("the server does not count preemptions (vLLM and SGLang do)",
                PREEMPTIONS));
    }

    private static void prefix(Metrics.Builder b, ServerSeries s) {
        String info = s.find(CACHE_CONFIG);
        String enabled = info == null ? null : s.label(info, "enable_prefix_caching");
        if (enabled != null) {
            b.text("server_prefix_caching", Boolean.parseBoolean(enabled.toLowerCase(java.util.Locale.ROOT)) ? "on"
                    : "off", 1);
        } else {
            b.absent("server_prefix_caching", "the server does not say whether prefix caching is on "
                    + "(vLLM's cache_config_info does)");
        }
        String q = s.find(PREFIX_QUERIES);
        String h = s.find(PREFIX_HITS);
        double queries = q == null ? Double.NaN : s.increase(q);
        double hits = h == null ? Double.NaN : s.increase(h);
        if (q == null) {
            // SGLang: its cached-token counter is created at the first request with a cache hit, so a page with
            // its prompt-token counter and never that one means no hit yet (0), not "not counted"
            q = s.find(PROMPT_TOKENS[1]);
            h = s.find(CACHED_TOKENS);
            queries = q == null ? Double.NaN : s.increase(q);
            hits = q == null ? Double.NaN : h == null ? 0 : s.increase(h);
        }
        if (Double.isNaN(queries) || Double.isNaN(hits)) {
            b.absent("server_prefix_hit_pct", "the server does not count prefix-cache queries and hits");
        } else if (queries <= 0) {
            b.absent("server_prefix_hit_pct", "no prefix-cache query during the load");
        } else {
            b.put("server_prefix_hit_pct", 100 * hits / queries, (long) queries);
        }
    }

    /** A histogram's mean in ms and its count of observations (requests). */
    private record Timed(double meanMs, long count) {
    }

    /** Mean in ms, spread from the histogram's p50/p95/p99; returns the mean and count (null when absent). */
    private static Timed hist(Metrics.Builder b, ServerSeries s, String[] names, String metric) {
        for (String base : names) {
            ServerSeries.Histogram h = s.histogram(base);
            if (h == null) {
                continue;
            }
            if (!(h.count() > 0)) {
                b.absent(metric, "no observation in " + base + " during the load");
                return null;
            }
            double mean = 1000 * h.mean();
            Spread sp = new Spread(Double.NaN, 1000 * h.quantile(0.5), 1000 * h.quantile(0.95),
                    1000 * h.quantile(0.99), Double.NaN, Double.NaN);
            b.put(metric, mean, Math.round(h.count()), sp);
            return new Timed(mean, Math.round(h.count()));
        }
        b.absent(metric, s.absent("the server does not publish this histogram", names));
        return null;
    }

    /** A phase's mean over the end-to-end mean; its count the fewer requests of the two histograms. */
    private static void share(Metrics.Builder b, String metric, Timed part, Timed whole) {
        if (part == null || whole == null || !(whole.meanMs() > 0)) {
            b.absent(metric, "needs the server's phase and end-to-end histograms (vLLM publishes both)");
        } else {
            b.put(metric, 100 * part.meanMs() / whole.meanMs(), Math.min(part.count(), whole.count()));
        }
    }
}
