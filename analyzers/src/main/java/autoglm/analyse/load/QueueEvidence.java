package autoglm.analyse.load;

import autoglm.analyse.Metric;
import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadRequest;
import java.util.List;

/**
 * The share of request latency spent waiting in the server's queue, from the best evidence the server gives
 * (docs/analyses.md#queue-evidence; the queueing rule decides from it):
 * <ol>
 * <li>{@code server-histograms}: the server's queue-time histogram against its end-to-end histogram (vLLM, SGLang,
 * TGI);</li>
 * <li>{@code server-queue-client-e2el}: the server's queue-time histogram against the client's own end-to-end latency,
 * where the server publishes no end-to-end histogram;</li>
 * <li>{@code waiting-gauge}: without a queue-time histogram (llama.cpp), the waiting gauge by Little's law: the mean
 * number waiting at the scrapes where the running batch was at its largest, over the completion rate, is the mean
 * wait; against the client's mean end-to-end latency.</li>
 * <li>{@code baseline-excess}: where the server publishes none of these (Ollama has no /metrics), the load's mean TTFT
 * above the unloaded baseline's (requests one at a time before the load: load --baseline), over the load's mean
 * E2EL: the time added by waiting or by interference from other requests, which such a server gives no way to tell
 * apart (said in the basis).</li>
 * </ol>
 */
public final class QueueEvidence {
    public static final List<String> NAMES = MetricFamily.QUEUE_EVIDENCE.names();
    /** Scrapes inside the measured window Little's law needs (fewer: not decided from the gauge). */
    static final int MIN_PAGES = 3;

    private QueueEvidence() {
    }

    /**
     * A replica read back from Prometheus (diagnose --prometheus), with no client of its own: the server's
     * histograms only (the first route).
     */
    public static Metrics ofServer(Metrics server) {
        Metrics.Builder b = new Metrics.Builder();
        Metric share = server.get("server_queue_share_pct");
        if (share.present()) {
            Metric queue = server.get("server_queue_ms");
            b.put("queue_share_pct", share.value(), share.n());
            b.put("load_queue_ms", queue.value(), queue.n(), queue.spread());
            b.text("queue_basis", "server-histograms: the server's queue-time histogram against its end-to-end "
                    + "histogram", share.n());
        } else {
            b.absentAll(share.reason() + " (a replica read from Prometheus has no client timing to set a queue "
                    + "histogram or gauge against)", NAMES.toArray(new String[0]));
        }
        return b.build();
    }

    static Metrics of(LoadRecording rec, Metrics client, Metrics server) {
        Metrics.Builder b = new Metrics.Builder();
        Metric share = server.get("server_queue_share_pct");
        Metric queue = server.get("server_queue_ms");
        Metric e2el = client.get("load_e2el_ms");
        if (share.present()) {
            b.put("queue_share_pct", share.value(), share.n());
            b.put("load_queue_ms", queue.value(), queue.n(), queue.spread());
            b.text("queue_basis", "server-histograms: the server's queue-time histogram against its end-to-end "
                    + "histogram", share.n());
        } else if (queue.present() && e2el.present() && e2el.value() > 0) {
            long n = Math.min(queue.n(), e2el.n());
            b.put("queue_share_pct", Math.min(100, 100 * queue.value() / e2el.value()), n);
            b.put("load_queue_ms", queue.value(), queue.n(), queue.spread());
            b.text("queue_basis", "server-queue-client-e2el: the server's queue-time histogram against the client's "
                    + "end-to-end latency (the server publishes no end-to-end histogram)", n);
        } else if (!little(b, rec, server, client) && !baseline(b, rec, client)) {
            String why = (rec.scrapes().isEmpty() ? "the server's /metrics was not read ("
                    + server.get("server_scrapes").reason() + ")"
                    : "the server publishes neither a queue-time histogram nor a waiting gauge")
                    + (rec.baseline().isEmpty() ? ", and no unloaded baseline was measured (load --baseline N)"
                    : rec.baseline().stream().noneMatch(LoadRequest::ok) ? ", and no request of the unloaded "
                    + "baseline succeeded" : ", and the unloaded baseline's prompts do not match the load's");
            b.absentAll(why, NAMES.toArray(new String[0]));
        }
        return b.build();
    }

    /**
     * Little's law on the waiting gauge: L = λ W, so the mean wait W is the mean number waiting L (at each scrape
     * inside the measured window where the running batch was at its largest, 0 at the others) over the completion
     * rate λ. False when the gauges or the requests are missing.
     */
    private static boolean little(Metrics.Builder b, LoadRecording rec, Metrics server, Metrics client) {
        ServerGauges waiting = ServerGauges.of(rec.scrapes(), ServerGauges.WAITING);
        ServerGauges running = ServerGauges.of(rec.scrapes(), ServerGauges.RUNNING);
        Metric e2el = client.get("load_e2el_ms");
        List<LoadRequest> ok = rec.measured().stream().filter(LoadRequest::ok).toList();
        if (waiting == null || running == null || !e2el.present() || ok.isEmpty()) {
            return false;
        }
        double start = ok.stream().mapToDouble(LoadRequest::scheduledMs).min().orElse(Double.NaN);
        double end = ok.stream().mapToDouble(LoadRequest::endMs).max().orElse(Double.NaN);
        double max = 0;
        for (int i = 0; i < running.size(); i++) {
            if (running.tMs()[i] >= start && running.tMs()[i] <= end) {
                max = Math.max(max, running.values()[i]);
            }
        }
        double sum = 0;
        int pages = 0;
        for (int i = 0; i < waiting.size(); i++) {
            double t = waiting.tMs()[i];
            if (t < start || t > end) {
                continue;
            }
            pages++;
            if (max > 0 && running.at(t) >= max) {
                sum += waiting.values()[i];
            }
        }
        if (pages < MIN_PAGES || !(end > start)) {
            return false;
        }
        double lambdaPerMs = ok.size() / (end - start);
        double waitMs = (sum / pages) / lambdaPerMs;
        long n = ok.size();
        b.put("queue_share_pct", Math.min(100, 100 * waitMs / e2el.value()), n);
        b.put("load_queue_ms", waitMs, n);
        b.text("queue_basis", "waiting-gauge: Little's law on the waiting gauge (" + waiting.name()
                + ") at the scrapes with the batch full (" + running.name() + " at " + Math.round(max)
                + "), against the client's end-to-end latency", n);
        return true;
    }

    /**
     * The excess of the load's TTFT over the unloaded baseline's at the same prompt length: for each measured request
     * whose prompt lies within the baseline's (from 0.8 times its shortest to 1.25 times its longest, in tokens: the
     * server's count, else the client's estimate), the baseline's TTFT at that length is interpolated linearly between
     * the baseline's requests around it (the nearest end's beyond them; requests of one length averaged), so that
     * longer prompts do not pass for waiting. False without a baseline or without such requests.
     */
    private static boolean baseline(Metrics.Builder b, LoadRecording rec, Metrics client) {
        List<LoadRequest> base = rec.baseline().stream().filter(LoadRequest::ok).toList();
        if (base.isEmpty()) {
            return false;
        }
        java.util.TreeMap<Double, double[]> byLength = new java.util.TreeMap<>();
        for (LoadRequest r : base) {
            double[] sum = byLength.computeIfAbsent(prompt(r), k -> new double[2]);
            sum[0] += r.ttftMs();
            sum[1]++;
        }
        double lo = byLength.firstKey() * 0.8;
        double hi = byLength.lastKey() * 1.25;
        List<LoadRequest> like = rec.measured().stream().filter(LoadRequest::ok)
                .filter(r -> prompt(r) >= lo && prompt(r) <= hi).toList();
        if (like.isEmpty()) {
            return false;
        }
        double excess = 0;
        double e2el = 0;
        for (LoadRequest r : like) {
            excess += r.ttftMs() - at(byLength, prompt(r));
            e2el += r.e2elMs();
        }
        excess = Math.max(0, excess / like.size());
        double loadE2el = e2el / like.size();
        double baseTtft = base.stream().mapToDouble(LoadRequest::ttftMs).average().orElse(Double.NaN);
        long n = Math.min(base.size(), like.size());
        b.put("queue_share_pct", Math.min(100, 100 * excess / loadE2el), n);
        b.put("load_queue_ms", excess, n);
        b.text("queue_basis", String.format(java.util.Locale.ROOT, "baseline-excess: TTFT under load above an unloaded "
                + "baseline at the same prompt lengths (%d requests one at a time, mean TTFT %.1f ms; %d requests of "
                + "the load with prompts as long): waiting or interference, which this server gives no way to tell "
                + "apart", base.size(), baseTtft, like.size()), n);
        return true;
    }

    /** The baseline's mean TTFT at prompt length {@code x}: linear between its lengths, the nearest end's beyond. */
    private static double at(java.util.TreeMap<Double, double[]> byLength, double x) {
        java.util.Map.Entry<Double, double[]> below = byLength.floorEntry(x);
        java.util.Map.Entry<Double, double[]> above = byLength.ceilingEntry(x);
        if (below == null) {
            return above.getValue()[0] / above.getValue()[1];
        }
        double yb = below.getValue()[0] / below.getValue()[1];
        if (above == null || above.getKey().equals(below.getKey())) {
            return yb;
        }
        double ya = above.getValue()[0] / above.getValue()[1];
        return yb + (ya - yb) * (x - below.getKey()) / (above.getKey() - below.getKey());
    }

    private static double prompt(LoadRequest r) {
        return r.promptTokens() >= 0 ? r.promptTokens() : r.promptTokensEst();
    }
}
