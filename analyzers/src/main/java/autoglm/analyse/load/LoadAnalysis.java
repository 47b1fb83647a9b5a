package autoglm.analyse.load;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Metric;
import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.analyse.Unit;
import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadRequest;
import autoglm.model.load.LoadSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Client-side metrics of a load run (docs/analyses.md, "Load runs"), warm-up requests left out: counts and errors by
 * kind, request and token throughput, TTFT / TPOT / ITL / E2EL as vLLM's bench serve defines them (from the scheduled
 * send), time to first text and thinking time beside them, goodput against the SLOs (and the SLOs and timeout in
 * force), the client's own lag behind an open-loop schedule, growth
 * over the steps of agent sessions, the prompt's make-up (images, repeated prefix), long stalls between tokens that
 * coincide with other requests' prefill, and the prefill cost's quadratic share. Server metrics are {@link
 * ServerMetricsAnalysis}'s.
 */
public final class LoadAnalysis {
    public static final String NO_LOAD = MetricFamily.LOAD.whenAbsent();

    private LoadAnalysis() {
    }

    public static Set<String> metricNames() {
        return MetricFamily.names(MetricFamily.LOAD, MetricFamily.LOAD_SESSIONS, MetricFamily.LOAD_SCRAPE_COST,
                MetricFamily.LOAD_LATENCY_SHARES, MetricFamily.SERVER, MetricFamily.QUEUE_EVIDENCE);
    }

    /** The metrics the analyses give a load run; {@link #metricNames()} all present or absent with a reason. */
    public static Metrics analyze(LoadRecording rec) {
        return analyze(rec, AnalysisSettings.defaults());
    }

    /** The same with the analysis settings given (the fits' {@code analysis.fit_*}). */
    public static Metrics analyze(LoadRecording rec, AnalysisSettings settings) {
        Metrics.Builder b = new Metrics.Builder();
        LoadSettings st = rec.settings();
        List<LoadRequest> all = rec.measured();
        List<LoadRequest> ok = all.stream().filter(LoadRequest::ok).toList();
        b.put("load_requests", all.size(), all.size());
        b.put("load_completed", ok.size(), all.size());
        errors(b, all);
        double start = all.stream().mapToDouble(LoadRequest::scheduledMs).min().orElse(Double.NaN);
        double end = all.stream().mapToDouble(r -> Double.isNaN(r.endMs()) ? r.sentMs() : r.endMs()).max()
                .orElse(Double.NaN);
        double duration = end - start;
        if (all.isEmpty() || !(duration > 0)) {
            b.absentAll(all.isEmpty() ? "no measured request" : "the requests took no time",
                    "load_duration_ms", "load_request_rate", "load_concurrency", "load_output_throughput",
                    "load_total_throughput", "load_goodput");
        } else {
            b.put("load_duration_ms", duration, all.size());
            b.put("load_request_rate", ok.size() / (duration / 1000), ok.size());
            b.put("load_concurrency", sum(ok, LoadRequest::e2elMs) / duration, ok.size());
        }
        rate(b, st, all);
        stats(b, "load_client_wait_ms", all, LoadRequest::clientWaitMs);
        tokens(b, ok, duration);
        stats(b, "load_ttft_ms", ok, LoadRequest::ttftMs);
        stats(b, "load_first_text_ms", ok, LoadRequest::firstTextLatencyMs);
        stats(b, "ttft_ms", ok, LoadRequest::ttftMs);
        stats(b, "load_tpot_ms", ok, LoadRequest::tpotMs);
        stats(b, "load_e2el_ms", ok, LoadRequest::e2elMs);
        stats(b, "load_thinking_ms", ok, LoadRequest::thinkingMs);
        double[] itl = itls(ok);
        put(b, "load_itl_ms", itl, "no request streamed two chunks");
        settings(b, st);
        goodput(b, st, ok, duration);
        prompt(b, ok);
        LoadPatterns.steps(b, ok, settings);
        LoadPatterns.stalls(b, ok, itl);
        LatencyShares.put(b, ok, itl);
        LoadPatterns.quadratic(b, ok, settings);
        Metrics server = ServerMetricsAnalysis.analyze(rec);
        Metrics client = b.build().with(ScrapeCost.of(rec), ScrapeCost.NAMES);
        return client.with(server, ServerMetricsAnalysis.metricNames()).with(prefixMissed(client, server),
                List.of("load_prefix_missed_pct")).with(QueueEvidence.of(rec, client, server), QueueEvidence.NAMES);
    }

    /** Repeated prompt the cache did not keep: the client's repeated share minus the server's hit rate (0 if off). */
    private static Metrics prefixMissed(Metrics client, Metrics server) {
        Metrics.Builder b = new Metrics.Builder();
        Metric repeated = client.get("load_repeated_prefix_pct");
        Metric caching = server.get("server_prefix_caching");
        Metric hit = server.get("server_prefix_hit_pct");
        if (!repeated.present()) {
            b.absent("load_prefix_missed_pct", repeated.reason());
        } else if (caching.present() && "off".equals(caching.text())) {
            b.put("load_prefix_missed_pct", repeated.value(), repeated.n());
        } else if (hit.present()) {
            b.put("load_prefix_missed_pct", Math.max(0, repeated.value() - hit.value()), repeated.n());
        } else {
            b.absent("load_prefix_missed_pct", "the server reports neither its prefix-cache hits nor that caching is off");
        }
        return b.build();
    }

    private static void errors(Metrics.Builder b, List<LoadRequest> all) {
        Map<String, Long> kinds = new TreeMap<>();
        for (LoadRequest r : all) {
            if (!r.ok()) {
                kinds.merge(r.status(), 1L, Long::sum);
            }
        }
        long n = kinds.values().stream().mapToLong(Long::longValue).sum();
        b.put("load_errors", n, all.size());
        if (all.isEmpty()) {
            b.absent("load_error_pct", "no measured request");
        } else {
            b.put("load_error_pct", 100.0 * n / all.size(), all.size());
        }
        if (n == 0) {
            b.absent("load_error_kinds", "no request failed");
        } else {
            List<Metric.Item> items = new ArrayList<>();
            kinds.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                    .forEach(e -> items.add(new Metric.Item(e.getKey(), e.getValue(), Unit.COUNT)));
            b.items("load_error_kinds", items, n);
        }
    }

    private static void rate(Metrics.Builder b, LoadSettings st, List<LoadRequest> all) {
        if (!st.openLoop()) {
            b.absentAll("closed-loop traffic (" + st.profile() + "): there is no target rate to fall behind",
                    "load_target_rate", "load_achieved_rate_pct");
            return;
        }
        b.put("load_target_rate", st.targetRate(), 1);
        double[] sent = all.stream().mapToDouble(LoadRequest::sentMs).filter(d -> !Double.isNaN(d)).sorted().toArray();
        double[] sched = all.stream().mapToDouble(LoadRequest::scheduledMs).sorted().toArray();
        if (sent.length < 2 || !(sched[sched.length - 1] > sched[0])) {
            b.absent("load_achieved_rate_pct", "fewer than two requests were sent");
            return;
        }
        // the sends' own rate against the rate their schedule asked for (seeded arrivals are not exactly R)
        double achieved = (sent.length - 1) / ((sent[sent.length - 1] - sent[0]) / 1000);
        double asked = (sched.length - 1) / ((sched[sched.length - 1] - sched[0]) / 1000);
        b.put("load_achieved_rate_pct", 100 * achieved / asked, sent.length);
    }

    private static void tokens(Metrics.Builder b, List<LoadRequest> ok, double duration) {
        boolean serverCounts = ok.stream().allMatch(r -> r.promptTokens() >= 0);
        double in = 0;
        double out = 0;
        for (LoadRequest r : ok) {
            in += serverCounts ? r.promptTokens() : r.promptTokensEst();
            out += r.outputTokens();
        }
        b.put("load_input_tokens", in, ok.size());
        b.put("load_output_tokens", out, ok.size());
        if (duration > 0) {
            b.put("load_output_throughput", out / (duration / 1000), ok.size());
            b.put("load_total_throughput", (in + out) / (duration / 1000), ok.size());
        }
    }

    private static double[] itls(List<LoadRequest> ok) {
        int n = ok.stream().mapToInt(r -> Math.max(0, r.chunkMs().length - 1)).sum();
        double[] v = new double[n];
        int k = 0;
        for (LoadRequest r : ok) {
            double[] c = r.chunkMs();
            for (int i = 1; i < c.length; i++) {
                v[k++] = c[i] - c[i - 1];
            }
        }
        return v;
    }

    /** The SLOs and the timeout in force, for every report's header. */
    private static void settings(Metrics.Builder b, LoadSettings st) {
        String[][] slos = {{"load_slo_ttft_ms", "ttft"}, {"load_slo_tpot_ms", "tpot"}, {"load_slo_e2el_ms", "e2el"}};
        double[] v = {st.sloTtftMs(), st.sloTpotMs(), st.sloE2elMs()};
        for (int i = 0; i < slos.length; i++) {
            if (Double.isNaN(v[i])) {
                b.absent(slos[i][0], "no --slo " + slos[i][1] + "= given");
            } else {
                b.put(slos[i][0], v[i], 1);
            }
        }
        if (Double.isNaN(st.timeoutMs())) {
            b.absent("load_timeout_ms", "not recorded: the run's load.json is older than its timeout_ms");
        } else {
            b.put("load_timeout_ms", st.timeoutMs(), 1);
        }
    }

    private static void goodput(Metrics.Builder b, LoadSettings st, List<LoadRequest> ok, double duration) {
        boolean any = !Double.isNaN(st.sloTtftMs()) || !Double.isNaN(st.sloTpotMs()) || !Double.isNaN(st.sloE2elMs());
        if (!any) {
            b.absentAll("no --slo given", "load_goodput", "load_goodput_pct", "load_slo_miss_ttft_pct",
                    "load_slo_miss_tpot_pct", "load_slo_miss_e2el_pct");
            return;
        }
        long good = ok.stream().filter(r -> meets(r, st)).count();
        if (ok.isEmpty()) {
            b.absentAll("no request completed", "load_goodput_pct", "load_slo_miss_ttft_pct", "load_slo_miss_tpot_pct",
                    "load_slo_miss_e2el_pct");
        } else {
            b.put("load_goodput_pct", 100.0 * good / ok.size(), ok.size());
            miss(b, "load_slo_miss_ttft_pct", ok, st.sloTtftMs(), LoadRequest::ttftMs);
            miss(b, "load_slo_miss_tpot_pct", ok, st.sloTpotMs(), LoadRequest::tpotMs);
            miss(b, "load_slo_miss_e2el_pct", ok, st.sloE2elMs(), LoadRequest::e2elMs);
        }
        if (duration > 0) {
            b.put("load_goodput", good / (duration / 1000), ok.size());
        }
    }

    /** Every SLO given is met; a TPOT SLO is met by a one-token answer (it has no TPOT), as vLLM counts it. */
    public static boolean meets(LoadRequest r, LoadSettings st) {
        return within(r.ttftMs(), st.sloTtftMs()) && within(r.tpotMs(), st.sloTpotMs())
                && within(r.e2elMs(), st.sloE2elMs());
    }

    private static boolean within(double v, double slo) {
        return Double.isNaN(slo) || Double.isNaN(v) || v <= slo;
    }

    private static void miss(Metrics.Builder b, String name, List<LoadRequest> ok, double slo,
            ToDoubleFunction<LoadRequest> f) {
        if (Double.isNaN(slo)) {
            b.absent(name, "no SLO on it");
            return;
        }
        long missed = ok.stream().filter(r -> !within(f.applyAsDouble(r), slo)).count();
        b.put(name, 100.0 * missed / ok.size(), ok.size());
    }

    private static void prompt(Metrics.Builder b, List<LoadRequest> ok) {
        boolean server = !ok.isEmpty() && ok.stream().allMatch(r -> r.promptTokens() >= 0);
        stats(b, "load_prompt_tokens", ok, r -> server ? r.promptTokens() : r.promptTokensEst());
        double prompt = ok.stream().mapToDouble(r -> server ? r.promptTokens() : r.promptTokensEst()).sum();
        double image = ok.stream().mapToDouble(LoadRequest::imageTokens).sum();
        double est = ok.stream().mapToDouble(LoadRequest::promptTokensEst).sum();
        double repeated = ok.stream().mapToDouble(LoadRequest::repeatedPrefixTokens).sum();
        if (image <= 0) {
            b.absentAll("no request carried an image", "load_image_tokens", "load_image_token_pct");
        } else {
            b.put("load_image_tokens", image / ok.size(), ok.size());
            b.put("load_image_token_pct", Math.min(100, 100 * image / prompt), ok.size());
        }
        if (est <= 0) {
            b.absent("load_repeated_prefix_pct", "no request measured");
        } else {
            b.put("load_repeated_prefix_pct", 100 * repeated / est, ok.size());
        }
    }

    static void stats(Metrics.Builder b, String name, List<LoadRequest> rs, ToDoubleFunction<LoadRequest> f) {
        put(b, name, rs.stream().mapToDouble(f).toArray(), "no completed request has it");
    }

    static void put(Metrics.Builder b, String name, double[] values, String absent) {
        LoadStats s = LoadStats.of(values);
        if (s.n() == 0) {
            b.absent(name, absent);
        } else {
            b.put(name, s.mean(), s.n(), s.spread());
        }
    }

    private static double sum(List<LoadRequest> rs, ToDoubleFunction<LoadRequest> f) {
        return rs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sum();
    }

    /** The distributions the load reports print, by metric: TTFT, first text, TPOT, ITL, E2EL, thinking (ms). */
    public static Map<String, LoadStats> distributions(LoadRecording rec) {
        List<LoadRequest> ok = rec.measured().stream().filter(LoadRequest::ok).toList();
        Map<String, LoadStats> m = new LinkedHashMap<>();
        m.put("ttft", LoadStats.of(ok.stream().mapToDouble(LoadRequest::ttftMs).toArray()));
        m.put("first_text", LoadStats.of(ok.stream().mapToDouble(LoadRequest::firstTextLatencyMs).toArray()));
        m.put("tpot", LoadStats.of(ok.stream().mapToDouble(LoadRequest::tpotMs).toArray()));
        m.put("itl", LoadStats.of(itls(ok)));
        m.put("e2el", LoadStats.of(ok.stream().mapToDouble(LoadRequest::e2elMs).toArray()));
        m.put("thinking", LoadStats.of(ok.stream().mapToDouble(LoadRequest::thinkingMs).toArray()));
        m.put("client_wait", LoadStats.of(rec.measured().stream().mapToDouble(LoadRequest::clientWaitMs).toArray()));
        return m;
    }

    static double[] sortedCopy(double[] v) {
        double[] s = Arrays.copyOf(v, v.length);
        Arrays.sort(s);
        return s;
    }
}
