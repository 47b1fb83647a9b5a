package autoglm.diagnose.charts;

import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadRequest;
import autoglm.model.load.Scrape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The charts of a load run (docs/load.md#output): the latency distributions (TTFT, ITL, E2EL), TTFT by step number
 * of the agent sessions, throughput over time (completed requests and output tokens per second), and, from the
 * server's own /metrics, its queue and running batch and its KV-cache use over time. Warm-up requests left out.
 */
final class LoadCharts {
    private LoadCharts() {
    }

    static void add(LoadRecording rec, List<TimeChart> times, List<Histogram> hists) {
        List<LoadRequest> ok = rec.measured().stream().filter(LoadRequest::ok).toList();
        String src = "requests of the load (warm-up left out)";
        hist(hists, "load-ttft", "Time to first token", "time to first token",
                ok.stream().mapToDouble(LoadRequest::ttftMs).toArray(), src, "requests");
        List<Double> gaps = new ArrayList<>();
        for (LoadRequest r : ok) {
            double[] c = r.chunkMs();
            for (int i = 1; i < c.length; i++) {
                gaps.add(c[i] - c[i - 1]);
            }
        }
        hist(hists, "load-itl", "Inter-token latency", "inter-token latency",
                gaps.stream().mapToDouble(Double::doubleValue).toArray(), "gaps between the chunks of the load (ITL)", "gaps");
        hist(hists, "load-e2el", "End-to-end latency", "end-to-end latency",
                ok.stream().mapToDouble(LoadRequest::e2elMs).toArray(), src, "requests");
        steps(ok, times);
        throughput(ok, times);
        server(rec.scrapes(), times);
    }

    private static void hist(List<Histogram> out, String id, String title, String what, double[] v, String src,
            String counted) {
        double[] x = java.util.Arrays.stream(v).filter(d -> !Double.isNaN(d)).toArray();
        if (x.length > 0) {
            out.add(Bins.latency(id, title, what, x, x.length, src, counted));
        }
    }

    private static void steps(List<LoadRequest> ok, List<TimeChart> out) {
        Map<Integer, List<Double>> by = new TreeMap<>();
        ok.stream().filter(r -> r.step() > 0).forEach(r -> by.computeIfAbsent(r.step(), k -> new ArrayList<>())
                .add(r.ttftMs()));
        if (by.size() < 2) {
            return;
        }
        double[] x = new double[by.size()];
        double[] y = new double[by.size()];
        int i = 0;
        for (Map.Entry<Integer, List<Double>> e : by.entrySet()) {
            x[i] = e.getKey();
            y[i++] = e.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }
        boolean seconds = java.util.Arrays.stream(y).max().orElse(0) >= Bins.SECONDS_FROM_MS;
        double[] shown = seconds ? java.util.Arrays.stream(y).map(v -> v / 1000).toArray() : y;
        out.add(new TimeChart("load-ttft-by-step", "TTFT by step of the agent sessions", "step number",
                seconds ? "mean TTFT, s" : "mean TTFT, ms", Double.NaN, List.of(new Series("mean TTFT", x, shown)),
                "requests of the sessions", ok.size()));
    }

    private static void throughput(List<LoadRequest> ok, List<TimeChart> out) {
        if (ok.isEmpty()) {
            return;
        }
        double end = ok.stream().mapToDouble(LoadRequest::endMs).max().orElse(0);
        int seconds = (int) Math.ceil(end / 1000) + 1;
        double[] done = new double[seconds];
        double[] tokens = new double[seconds];
        for (LoadRequest r : ok) {
            done[(int) (r.endMs() / 1000)]++;
            for (double c : r.chunkMs()) {
                tokens[(int) (c / 1000)] += (double) r.outputTokens() / Math.max(1, r.chunkMs().length);
            }
        }
        double[] x = new double[seconds];
        for (int i = 0; i < seconds; i++) {
            x[i] = i + 0.5;
        }
        out.add(new TimeChart("load-throughput", "Throughput over time", "time since the load started, s",
                "per second (requests, tokens)", Double.NaN, List.of(new Series("requests completed", x, done),
                new Series("output tokens", x, tokens)), "requests of the load, one-second bins", ok.size()));
    }

    private static void server(List<Scrape> scrapes, List<TimeChart> out) {
        if (scrapes.isEmpty()) {
            return;
        }
        List<Series> queue = new ArrayList<>();
        add(queue, "running", scrapes, autoglm.analyse.load.ServerGauges.RUNNING);
        add(queue, "waiting", scrapes, autoglm.analyse.load.ServerGauges.WAITING);
        if (!queue.isEmpty()) {
            out.add(new TimeChart("server-queue", "The server's batch and queue", "time since the load started, s",
                    "requests", Double.NaN, queue, "the server's /metrics", scrapes.size()));
        }
        List<Series> kv = new ArrayList<>();
        add(kv, "KV-cache use", scrapes, autoglm.analyse.load.ServerGauges.KV);
        if (!kv.isEmpty()) {
            Series s = kv.get(0);
            double[] pct = java.util.Arrays.stream(s.y()).map(v -> 100 * v).toArray();
            out.add(new TimeChart("server-kv", "The server's KV-cache use", "time since the load started, s", "KV cache used, %", 100,
                    List.of(new Series(s.name(), s.x(), pct)), "the server's /metrics", scrapes.size()));
        }
    }

    /** The gauge under the first of {@code names} any scrape carries, as a series in seconds. */
    private static void add(List<Series> out, String label, List<Scrape> scrapes, List<String> names) {
        autoglm.analyse.load.ServerGauges g = autoglm.analyse.load.ServerGauges.of(scrapes, names);
        if (g != null) {
            out.add(new Series(label, java.util.Arrays.stream(g.tMs()).map(t -> t / 1000).toArray(), g.values()));
        }
    }
}
