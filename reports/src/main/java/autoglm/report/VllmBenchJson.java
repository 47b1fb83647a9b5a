package autoglm.report;

import autoglm.analyse.load.LoadAnalysis;
import autoglm.analyse.load.LoadStats;
import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadRequest;
import autoglm.model.load.LoadSettings;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * A load run as the JSON vLLM's {@code bench serve --save-result} writes (docs/formats.md#vllm-bench), so tools that
 * read vLLM's results read autoglm's: the run's settings (date, backend, model_id, num_prompts, request_rate,
 * burstiness, max_concurrency), duration, completed, total_input_tokens, total_output_tokens, request_throughput,
 * request_goodput, output_throughput, total_token_throughput, per-request input_lens, output_lens, ttfts and itls (in
 * seconds, as vLLM writes them), errors, and for ttft, tpot, itl and e2el: mean_, median_, std_ and p90_/p95_/p99_
 * ..._ms. Values vLLM would not have are null. Latencies count from the scheduled send (docs/load.md).
 */
public final class VllmBenchJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);

    private VllmBenchJson() {
    }

    public static void write(LoadRecording rec, autoglm.diagnose.Diagnosis d, Writer out) throws IOException {
        LoadSettings s = rec.settings();
        List<LoadRequest> ok = rec.measured().stream().filter(LoadRequest::ok).toList();
        ObjectNode o = JSON.createObjectNode();
        o.put("date", DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneId.systemDefault())
                .format(Instant.ofEpochMilli(s.startedEpochMs())));
        o.put("backend", s.api().equals("chat") ? "openai-chat" : "openai");
        o.put("model_id", s.model());
        o.put("tokenizer_id", s.model());
        o.put("num_prompts", rec.measured().size());
        if (s.openLoop()) {
            o.put("request_rate", s.targetRate());
        } else {
            o.put("request_rate", "inf");
        }
        o.put("burstiness", s.burstiness());
        if (s.concurrency() > 0) {
            o.put("max_concurrency", s.concurrency());
        } else {
            o.putNull("max_concurrency");
        }
        o.put("duration", metric(d, "load_duration_ms") / 1000);
        o.put("completed", ok.size());
        whole(o, "total_input_tokens", metric(d, "load_input_tokens"));
        whole(o, "total_output_tokens", metric(d, "load_output_tokens"));
        num(o, "request_throughput", metric(d, "load_request_rate"));
        num(o, "request_goodput", metric(d, "load_goodput"));
        num(o, "output_throughput", metric(d, "load_output_throughput"));
        num(o, "total_token_throughput", metric(d, "load_total_throughput"));
        ArrayNode in = o.putArray("input_lens");
        ArrayNode outLens = o.putArray("output_lens");
        ArrayNode ttfts = o.putArray("ttfts");
        ArrayNode itls = o.putArray("itls");
        ArrayNode errors = o.putArray("errors");
        for (LoadRequest r : rec.measured()) {
            in.add(r.promptTokens() >= 0 ? r.promptTokens() : r.promptTokensEst());
            outLens.add(r.ok() ? r.outputTokens() : 0);
            if (r.ok()) {
                ttfts.add(r.ttftMs() / 1000);
            } else {
                ttfts.add(0.0);
            }
            ArrayNode gaps = itls.addArray();
            double[] c = r.chunkMs();
            for (int i = 1; i < c.length; i++) {
                gaps.add((c[i] - c[i - 1]) / 1000);
            }
            errors.add(r.ok() ? "" : Text.safe(r.status() + (r.error() == null ? "" : ": " + r.error())));
        }
        Map<String, LoadStats> dist = LoadAnalysis.distributions(rec);
        for (String m : List.of("ttft", "tpot", "itl", "e2el")) {
            LoadStats st = dist.get(m);
            num(o, "mean_" + m + "_ms", st.mean());
            num(o, "median_" + m + "_ms", st.median());
            num(o, "std_" + m + "_ms", st.populationStdev());
            num(o, "p90_" + m + "_ms", st.p90());
            num(o, "p95_" + m + "_ms", st.p95());
            num(o, "p99_" + m + "_ms", st.p99());
        }
        JSON.writeValue(out, o);
        out.write('\n');
    }

    private static double metric(autoglm.diagnose.Diagnosis d, String name) {
        return d.metrics().get(name).present() ? d.metrics().get(name).value() : Double.NaN;
    }

    /** A count, written as an integer as vLLM writes it. */
    private static void whole(ObjectNode o, String k, double v) {
        if (Double.isNaN(v)) {
            o.putNull(k);
        } else {
            o.put(k, Math.round(v));
        }
    }

    private static void num(ObjectNode o, String k, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            o.putNull(k);
        } else {
            o.put(k, v);
        }
    }
}
