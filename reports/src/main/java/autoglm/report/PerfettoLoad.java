package autoglm.report;

import autoglm.analyse.load.ServerGauges;
import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadRequest;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * The requests of a load run in the Perfetto export (docs/load.md#timeline): each request as an async slice from
 * when the client sent it to its last token, with the wait for its first token nested in it, so that overlapping
 * requests each get a row; and the server's running batch, queue and KV-cache use from its /metrics as counter
 * tracks. The load's times (milliseconds since its start, requests.csv) are moved onto the wall clock with
 * load.json's {@code started_epoch_ms}, the clock of the samples and of the kernel recordings.
 */
final class PerfettoLoad {
    static final long REQUESTS_TID = 1;

    private PerfettoLoad() {
    }

    /** Writes the tracks; returns the requests written. */
    static long write(JsonGenerator g, LoadRecording load, int pid, long origin) throws IOException {
        PerfettoExport.meta(g, "process_name", pid, 0, "Load: requests as the client saw them (autoglm load)");
        PerfettoExport.meta(g, "process_sort_index", pid, 0, null);
        PerfettoExport.meta(g, "thread_name", pid, REQUESTS_TID, "requests (sent to last token)");
        long epochNs = load.settings().startedEpochMs() * 1_000_000L;
        long n = 0;
        for (LoadRequest r : load.requests()) {
            if (Double.isNaN(r.sentMs()) || Double.isNaN(r.endMs())) {
                continue;
            }
            String id = "load-" + r.index();
            String name = name(r);
            long sent = epochNs + ns(r.sentMs());
            long end = Math.max(sent, epochNs + ns(r.endMs()));
            async(g, "b", name, id, pid, sent, origin, r);
            if (!Double.isNaN(r.firstMs())) {
                async(g, "b", "to first token", id, pid, sent, origin, null);
                async(g, "e", "to first token", id, pid, Math.min(end, Math.max(sent, epochNs + ns(r.firstMs()))),
                        origin, null);
            }
            async(g, "e", name, id, pid, end, origin, null);
            n++;
        }
        gauge(g, ServerGauges.of(load.scrapes(), ServerGauges.RUNNING), "server: requests running (batch)", 1, pid,
                epochNs, origin);
        gauge(g, ServerGauges.of(load.scrapes(), ServerGauges.WAITING), "server: requests waiting", 1, pid, epochNs,
                origin);
        gauge(g, ServerGauges.of(load.scrapes(), ServerGauges.KV), "server: KV cache used %", 100, pid, epochNs,
                origin);
        return n;
    }

    private static String name(LoadRequest r) {
        String what = r.session() >= 0 && r.step() > 0 ? "session " + r.session() + " step " + r.step()
                : "request " + r.index();
        return (r.warmup() ? "warm-up " : "") + what + (r.ok() ? "" : " (" + r.status() + ")");
    }

    private static void async(JsonGenerator g, String ph, String name, String id, int pid, long ns, long origin,
            LoadRequest r) throws IOException {
        PerfettoExport.async(g, ph, "load_request", name, id, pid, REQUESTS_TID, ns, origin);
        if (r != null) {
            g.writeObjectFieldStart("args");
            g.writeNumberField("index", r.index());
            g.writeNumberField("session", r.session());
            g.writeNumberField("step", r.step());
            g.writeBooleanField("warmup", r.warmup());
            g.writeStringField("status", r.status());
            g.writeNumberField("prompt_tokens", r.promptTokens());
            g.writeNumberField("output_tokens", r.outputTokens());
            PerfettoExport.finite(g, "ttft_ms", r.ttftMs());
            PerfettoExport.finite(g, "tpot_ms", r.tpotMs());
            PerfettoExport.finite(g, "e2el_ms", r.e2elMs());
            PerfettoExport.finite(g, "client_wait_ms", r.clientWaitMs());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void gauge(JsonGenerator g, ServerGauges s, String name, double scale, int pid, long epochNs,
            long origin) throws IOException {
        if (s == null) {
            return;
        }
        for (int i = 0; i < s.size(); i++) {
            if (Double.isNaN(s.values()[i]) || Double.isInfinite(s.values()[i])) {
                continue;
            }
            PerfettoExport.counterEvent(g, name, pid, epochNs + ns(s.tMs()[i]), s.values()[i] * scale, origin);
        }
    }

    private static long ns(double ms) {
        return Math.round(ms * 1e6);
    }
}
