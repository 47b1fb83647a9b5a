package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import autoglm.loopback.HttpBytes;
import autoglm.loopback.LoopbackHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 32, "Impossible figures accepted, exit 0, 'nothing lost'", on the load path: a real HTTP server on loopback
 * that streams answers of 8 text chunks each with impossible usage (completion_tokens 1e400, then
 * 99999999999999999999999, then 1,000,000: read through asLong they were 9.2e18 tokens, a wrapped count and 190 M
 * tokens/s) and serves a /metrics page with a negative running gauge, a negative preemption counter, a KV use of -50%,
 * a KV series given twice (0.1 then 0.99: the last copy made a false kv-cache-pressure warning) and a TTFT histogram
 * whose buckets decrease. {@code autoglm load} must end with exit 0, count the output as the chunks the server sent
 * (its own count), refuse every impossible value and count each, per page the server answered, in the run's data loss.
 */
class LyingServerLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TEXT_CHUNKS = 8;
    private static final String[] COMPLETION = {"1e400", "99999999999999999999999", "1000000"};

    @TempDir
    Path tmp;

    private final AtomicInteger answers = new AtomicInteger();
    private final AtomicInteger pages = new AtomicInteger();

    private void handle(LoopbackHttp.Request req, OutputStream out) throws IOException {
        if (req.path().equals("/metrics")) {
            int n = pages.incrementAndGet();
            // waiting changes on every page so that every page keeps a row in server-metrics.csv
            HttpBytes.send(out, 200, "text/plain; version=0.0.4", """
                    # TYPE vllm:num_requests_running gauge
                    vllm:num_requests_running{model_name="m"} -5
                    # TYPE vllm:num_requests_waiting gauge
                    vllm:num_requests_waiting{model_name="m"} %d
                    # TYPE vllm:kv_cache_usage_perc gauge
                    vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.1
                    vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.99
                    vllm:kv_cache_usage_perc{engine="1",model_name="m"} -0.5
                    # TYPE vllm:num_preemptions_total counter
                    vllm:num_preemptions_total{model_name="m"} -3
                    # TYPE vllm:time_to_first_token_seconds histogram
                    vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="m"} 10
                    vllm:time_to_first_token_seconds_bucket{le="1.0",model_name="m"} 2
                    vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="m"} 10
                    vllm:time_to_first_token_seconds_count{model_name="m"} 10
                    vllm:time_to_first_token_seconds_sum{model_name="m"} 8.25
                    """.formatted(n));
            return;
        }
        String completion = COMPLETION[answers.getAndIncrement() % COMPLETION.length];
        String head = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":";
        StringBuilder sse = new StringBuilder("data: " + head + "[{\"index\":0,\"delta\":{\"role\":\"assistant\"},"
                + "\"finish_reason\":null}]}\n\n");
        for (int i = 0; i < TEXT_CHUNKS; i++) {
            sse.append("data: ").append(head).append("[{\"index\":0,\"delta\":{\"content\":\"tok \"},"
                    + "\"finish_reason\":null}]}\n\n");
        }
        sse.append("data: ").append(head).append("[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        sse.append("data: ").append(head).append("[],\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":")
                .append(completion).append("}}\n\ndata: [DONE]\n\n");
        try (OutputStream body = HttpBytes.chunked(out, "text/event-stream")) {
            body.write(sse.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void impossibleUsageAndMetricsAreRefusedAndCounted() throws Exception {
        Path json = tmp.resolve("load.json");
        try (LoopbackHttp server = LoopbackHttp.keepAlive(this::handle)) {
            Run r = Run.of("load", server.url(), "--model", "m", "--out", tmp.resolve("runs").toString(), "--workload",
                    "synthetic", "--requests", Integer.toString(COMPLETION.length), "--warmup", "0", "--input-len",
                    "32", "--output-len", "8", "--baseline", "0", "--timeout", "60s", "--format", "json", "-o", json.toString());
            assertEquals(0, r.code(), r.out() + r.err());
        }
        JsonNode d = JSON.readTree(json.toFile());
        JsonNode m = d.get("metrics");
        Path run;
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            run = s.findFirst().orElseThrow();
        }
        // the pages recorded: those of the server's pages (each its own waiting value) that server-metrics.csv holds
        long n = 0;
        String metrics = Files.readString(run.resolve("server-metrics.csv"));
        for (int page = 1; page <= pages.get(); page++) {
            String row = ",\"vllm:num_requests_waiting{model_name=\"\"m\"\"}\"," + page + ".0";
            n += metrics.lines().anyMatch(l -> l.endsWith(row)) ? 1 : 0;
        }
        assertTrue(n >= 2, "pages recorded: " + n + " of " + pages.get() + "\n" + metrics);
        // the output is the chunks that carried text: 3 answers of 8
        assertEquals(COMPLETION.length * TEXT_CHUNKS, m.get("load_output_tokens").get("value").asDouble(), 1e-9);
        JsonNode loss = d.get("dataLoss").get("malformed");
        String usage = "requests whose usage was refused (their text chunks counted instead): ";
        assertEquals(2, loss.get(usage + autoglm.model.load.Usage.NOT_WHOLE).asLong(), loss.toString());
        assertEquals(1, loss.get(usage + autoglm.model.load.Usage.ABOVE_CHUNKS).asLong(), loss.toString());
        // per page recorded: running and preemptions negative, engine 1's KV -0.5, the TTFT histogram's 5 series
        assertEquals(2 * n, loss.get("server metric samples refused: a negative count or time").asLong(), loss.toString());
        assertEquals(n, loss.get("server metric samples refused: a KV-cache use outside 0 to 1").asLong());
        assertEquals(5 * n, loss.get("server metric samples refused: a histogram whose buckets decrease as le grows "
                + "(the page's whole histogram)").asLong(), loss.toString());
        // the KV series given twice on each page: both copies refused, counted as such
        assertEquals(2 * n, loss.get("samples of series given twice on the server's /metrics pages (every copy "
                + "refused)").asLong(), d.get("dataLoss").toString());
        // no KV use is believed: no figure, and no kv-cache pressure said
        assertTrue(m.get("server_kv_usage_max_pct").get("value").isNull(), m.get("server_kv_usage_max_pct").toString());
        for (JsonNode f : d.get("findings")) {
            if (f.get("rule").asText().equals("kv-cache-pressure")) {
                assertNotEquals("warning", f.get("severity").asText(), f.toString());
            }
        }
        // requests.csv says which usage was refused, and why
        String csv = Files.readString(run.resolve("requests.csv"));
        assertTrue(csv.lines().findFirst().orElseThrow().endsWith(",usage_refused"), csv);
        assertEquals(COMPLETION.length, csv.lines().filter(l -> l.contains("not a whole number")
                || l.contains("above what its text chunks")).count(), csv);
    }
}
