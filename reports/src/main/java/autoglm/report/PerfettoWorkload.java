package autoglm.report;

import autoglm.model.workload.WorkloadLog;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * The workload of a {@code profile --model} run in the Perfetto export: its prefill and decode steps as slices on
 * one track (a step's event is written at its end, {@code t}, and lasts {@code ms}), and each request as an async
 * slice from its arrival to its last token ({@code t - e2e_ms} to {@code t}) with its time to first token nested in
 * it, so that overlapping requests each get a row. Times are the host's epoch milliseconds, the clock of the samples.
 */
final class PerfettoWorkload {
    static final long STEPS_TID = 1;
    static final long REQUESTS_TID = 2;

    private PerfettoWorkload() {
    }

    /** Writes the tracks; returns {steps, requests} written. */
    static long[] write(JsonGenerator g, WorkloadLog w, int pid, long origin) throws IOException {
        PerfettoExport.meta(g, "process_name", pid, 0, "Workload: " + (w.start() == null ? "?" : w.start().model()));
        PerfettoExport.meta(g, "process_sort_index", pid, 0, null);
        PerfettoExport.meta(g, "thread_name", pid, STEPS_TID, "steps (prefill, decode)");
        long steps = 0;
        for (WorkloadLog.Step s : w.steps()) {
            if (Double.isNaN(s.t()) || Double.isNaN(s.ms())) {
                continue;
            }
            String name = (s.warmup() ? "warm-up " : "") + (s.prefill() ? "prefill" : "decode") + " x" + s.batch();
            PerfettoExport.complete(g, name, s.prefill() ? "prefill" : "decode", pid, STEPS_TID, ns(s.t() - s.ms()),
                    ns(s.ms()), origin);
            g.writeObjectFieldStart("args");
            g.writeNumberField("batch", s.batch());
            g.writeNumberField("real_tokens", s.realTokens());
            g.writeNumberField("padded_tokens", s.paddedTokens());
            g.writeNumberField("kv_len", s.kvLen());
            g.writeNumberField("turn", s.turn());
            g.writeNumberField("queue", s.queue());
            g.writeBooleanField("warmup", s.warmup());
            if (s.prefill()) {
                g.writeNumberField("cached_tokens", s.cachedTokens());
                g.writeNumberField("image_tokens", s.imageTokens());
                PerfettoExport.finite(g, "vision_ms", s.visionMs());
                PerfettoExport.finite(g, "input_wait_ms", s.inputWaitMs());
            } else {
                g.writeNumberField("kv_tokens", s.kvTokens());
            }
            g.writeEndObject();
            g.writeEndObject();
            steps++;
        }
        long requests = 0;
        if (!w.requests().isEmpty()) {
            PerfettoExport.meta(g, "thread_name", pid, REQUESTS_TID, "requests (arrival to last token)");
        }
        for (WorkloadLog.Request r : w.requests()) {
            if (Double.isNaN(r.t()) || Double.isNaN(r.e2eMs())) {
                continue;
            }
            String id = "req-" + r.id() + "-" + r.turn();
            long start = ns(r.t() - r.e2eMs());
            long end = ns(r.t());
            async(g, "b", "request " + r.id() + (r.turn() > 0 ? " turn " + r.turn() : ""), id, pid, start, origin, r);
            if (!Double.isNaN(r.ttftMs())) {
                async(g, "b", "to first token", id, pid, start, origin, null);
                async(g, "e", "to first token", id, pid, Math.min(end, start + ns(r.ttftMs())), origin, null);
            }
            async(g, "e", "request " + r.id() + (r.turn() > 0 ? " turn " + r.turn() : ""), id, pid, end, origin, null);
            requests++;
        }
        return new long[] {steps, requests};
    }

    private static void async(JsonGenerator g, String ph, String name, String id, int pid, long ns, long origin,
            WorkloadLog.Request r) throws IOException {
        PerfettoExport.async(g, ph, "request", name, id, pid, REQUESTS_TID, ns, origin);
        if (r != null) {
            g.writeObjectFieldStart("args");
            g.writeNumberField("prompt_tokens", r.promptTokens());
            g.writeNumberField("cached_tokens", r.cachedTokens());
            g.writeNumberField("image_tokens", r.imageTokens());
            g.writeNumberField("output_tokens", r.outputTokens());
            PerfettoExport.finite(g, "queue_ms", r.queueMs());
            PerfettoExport.finite(g, "ttft_ms", r.ttftMs());
            PerfettoExport.finite(g, "tpot_ms", r.tpotMs());
            PerfettoExport.finite(g, "e2e_ms", r.e2eMs());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** Epoch milliseconds to nanoseconds. */
    private static long ns(double ms) {
        return Math.round(ms * 1e6);
    }
}
