package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.read.prometheus.PrometheusApi;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import autoglm.loopback.HttpBytes;
import autoglm.loopback.LoopbackHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diagnose --prometheus} against Prometheus answers that lie, break the API's shape, flood or stall, each
 * served by a real HTTP server on loopback (issue 32). The figures expected are the answers' own believable points,
 * worked by hand in the comments; the limits are docs/fleet.md's.
 */
class HostilePrometheusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The window: four points, one a second. */
    private static final long S = 1_700_000_000L;

    @TempDir
    Path tmp;

    private static boolean gpuQuery(LoopbackHttp.Request req) {
        return req.query().contains("DCGM_FI_DEV_");
    }

    private static String matrix(String result) {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" + result + "]}}";
    }

    /** A series: its labels (JSON members) and its values at S, S+1, ... (or [t, v] pairs given whole). */
    private static String series(String labels, String... values) {
        StringBuilder b = new StringBuilder("{\"metric\":{" + labels + "},\"values\":[");
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ",").append(values[i].startsWith("[") ? values[i]
                    : "[" + (S + i) + ",\"" + values[i] + "\"]");
        }
        return b.append("]}").toString();
    }

    private static Run diagnose(String url, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("diagnose", "--prometheus", url, "--start",
                Long.toString(S), "--end", Long.toString(S + 3), "--step", "1s"));
        args.addAll(List.of(more));
        return Run.of(args.toArray(new String[0]));
    }

    /**
     * Issue 32, "Exit 3 (internal error) on nine malformed Prometheus answers": no data; result an object; a series
     * or GPU series without __name__; metric not an object; a [t] pair with no value; a value null or "abc"; values
     * an object. Each is one line and exit 2 (they were exit 3, a stack trace's bug).
     */
    @Test
    void malformedAnswersAreOneLineAndExit2() throws Exception {
        String running = "\"__name__\":\"vllm:num_requests_running\",\"instance\":\"a:8000\"";
        Map<String, String> server = new java.util.LinkedHashMap<>();
        server.put("no data", "{\"status\":\"success\"}");
        server.put("result an object", "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":{}}}");
        server.put("a series without __name__", matrix(series("\"instance\":\"a:8000\"", "1")));
        server.put("metric not an object", matrix("{\"metric\":\"x\",\"values\":[[" + S + ",\"1\"]]}"));
        server.put("a [t] pair with no value", matrix(series(running, "[" + S + "]")));
        server.put("a value null", matrix(series(running, "[" + S + ",null]")));
        server.put("a value \"abc\"", matrix(series(running, "abc")));
        server.put("values an object", matrix("{\"metric\":{" + running + "},\"values\":{}}"));
        String expected = "not a query_range answer";
        for (Map.Entry<String, String> c : server.entrySet()) {
            try (LoopbackHttp prom = LoopbackHttp.keepAlive((req, out) -> HttpBytes.send(out, 200, "application/json",
                    c.getValue()))) {
                oneLine(diagnose(prom.url()), c.getKey(), expected);
            }
        }
        // the GPU query's answer: a GPU series without __name__ (the serving query's answer is empty)
        try (LoopbackHttp prom = LoopbackHttp.keepAlive((req, out) -> HttpBytes.send(out, 200, "application/json", gpuQuery(req)
                ? matrix(series("\"gpu\":\"0\",\"instance\":\"n:9400\"", "50")) : matrix("")))) {
            oneLine(diagnose(prom.url()), "a GPU series without __name__", expected);
        }
    }

    private static void oneLine(Run r, String what, String expected) {
        assertEquals(ExitCodes.BAD_INPUT, r.code(), what + ": " + r.err());
        assertEquals(1, r.err().strip().lines().count(), what + ": " + r.err());
        assertTrue(r.err().contains(expected), what + ": " + r.err());
        assertFalse(r.err().contains("Exception"), what + ": " + r.err());
    }

    /**
     * Issue 32, "Impossible figures accepted, exit 0, 'nothing lost'", its diagnose --prometheus bullet: a +Inf request
     * counter gave "Infinity" requests and a load-imbalance warning "Infinityx"; points outside the window and a
     * duplicated timestamp gave an impossible KV use; a counter falling below zero gave negative requests; DCGM clock
     * reasons of NaN, +Inf, -5 and 1e30 gave "throttled 100%". Four replicas that each finished 100 requests (their
     * end-to-end count 0, 50, 100 and then 100, +Inf, 100 and -2100) and two GPU nodes, one never throttled and one
     * whose every clock-reasons value is impossible: no imbalance, no throttling, every refusal counted.
     */
    @Test
    void impossibleValuesAreRefusedCountedAndFindNothing() throws Exception {
        StringBuilder replicas = new StringBuilder();
        String[] last = {"100", "+Inf", "100", "-2100"};
        for (int i = 0; i < 4; i++) {
            String inst = "\"instance\":\"r" + i + ":8000\",\"job\":\"vllm\",\"model_name\":\"glm\"";
            replicas.append(i == 0 ? "" : ",").append(series("\"__name__\":\"vllm:num_requests_running\"," + inst,
                    "1", "1", "1", "1"));
            replicas.append(',').append(series("\"__name__\":\"vllm:e2e_request_latency_seconds_count\"," + inst, "0",
                    "50", "100", last[i]));
        }
        // r2's KV: a full cache outside the window, and a time given twice (0.95, then 0.2); else 30%
        replicas.append(',').append(series("\"__name__\":\"vllm:kv_cache_usage_perc\",\"instance\":\"r2:8000\","
                + "\"job\":\"vllm\",\"model_name\":\"glm\"", "[" + (S - 60) + ",\"0.99\"]", "[" + S + ",\"0.3\"]",
                "[" + (S + 1) + ",\"0.95\"]", "[" + (S + 1) + ",\"0.2\"]", "[" + (S + 2) + ",\"0.3\"]",
                "[" + (S + 3) + ",\"0.3\"]"));
        StringBuilder gpus = new StringBuilder();
        String[][] reasons = {{"0", "0", "0", "0"}, {"NaN", "+Inf", "-5", "1e30"}};
        for (int n = 0; n < 2; n++) {
            String inst = "\"gpu\":\"0\",\"UUID\":\"GPU-" + n + "\",\"instance\":\"node-" + n + ":9400\",\"job\":\"dcgm\"";
            gpus.append(n == 0 ? "" : ",").append(series("\"__name__\":\"DCGM_FI_DEV_GPU_UTIL\"," + inst, "90", "90",
                    "90", "90"));
            gpus.append(',').append(series("\"__name__\":\"DCGM_FI_DEV_CLOCK_THROTTLE_REASONS\"," + inst,
                    reasons[n]));
        }
        Path out = tmp.resolve("fleet.json");
        try (LoopbackHttp prom = LoopbackHttp.keepAlive((req, o) -> HttpBytes.send(o, 200, "application/json",
                matrix(gpuQuery(req) ? gpus.toString() : replicas.toString())))) {
            Run r = diagnose(prom.url(), "--format", "json", "-o", out.toString());
            assertEquals(0, r.code(), r.err());
        }
        JsonNode d = JSON.readTree(out.toFile());
        JsonNode m = d.get("metrics");
        for (JsonNode rep : d.get("fleet").get("instances")) {
            assertEquals(100, rep.get("requests").asDouble(), rep.toString()); // 0 -> 50 -> 100, the last refused
        }
        assertEquals(1.0, m.get("fleet_imbalance_ratio").get("value").asDouble(), 1e-9);
        assertNotEquals("warning", severity(d, "load-imbalance"));
        JsonNode r2 = null;
        for (JsonNode rep : d.get("fleet").get("instances")) {
            r2 = rep.get("instance").asText().equals("r2:8000") ? rep : r2;
        }
        assertEquals(30, r2.get("metrics").get("server_kv_usage_max_pct").get("value").asDouble(), 1e-9);
        // node-1's clock reasons are all refused: no second node to compare with, no throttling said
        assertTrue(m.get("fleet_throttle_gap_pct").get("value").isNull(), m.get("fleet_throttle_gap_pct").toString());
        assertNotEquals("warning", severity(d, "throttling-node"));
        JsonNode loss = d.get("dataLoss").get("malformed");
        assertEquals(1, loss.get("server metric samples refused: not a finite number").asLong(), loss.toString());
        assertEquals(1, loss.get("server metric samples refused: a negative count or time").asLong(), loss.toString());
        assertEquals(1, loss.get("Prometheus points outside the window asked for").asLong(), loss.toString());
        assertEquals(2, loss.get("Prometheus points at a time their series gave twice (every copy refused)").asLong());
        assertEquals(2, loss.get("GPU values refused: not a finite number").asLong(), loss.toString());
        assertEquals(2, loss.get("GPU values refused: reasons not a whole bit mask below 2^32").asLong(),
                loss.toString());
    }

    private static String severity(JsonNode d, String rule) {
        for (JsonNode f : d.get("findings")) {
            if (f.get("rule").asText().equals(rule)) {
                return f.get("severity").asText();
            }
        }
        throw new AssertionError("no " + rule + " in " + d.get("findings"));
    }

    /** The test's own classpath, for a child JVM. */
    private static Process child(Path err, String heap, String... args) throws IOException {
        List<String> argv = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), heap, "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                "autoglm.cli.Main"));
        argv.addAll(List.of(args));
        return new ProcessBuilder(argv).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** Series of {@value #POINTS} points each, one a second from S. */
    private static final int POINTS = 1000;
    /** Replicas and GPU nodes the big answers hold: 3,000,000 samples each. */
    private static final int BIG = 300;
    private static final String[] BIG_SERVER = {"vllm:num_requests_running", "vllm:num_requests_waiting",
        "vllm:kv_cache_usage_perc", "vllm:num_preemptions_total", "vllm:prompt_tokens_total",
        "vllm:e2e_request_latency_seconds_bucket", "vllm:e2e_request_latency_seconds_bucket",
        "vllm:e2e_request_latency_seconds_bucket", "vllm:e2e_request_latency_seconds_count",
        "vllm:e2e_request_latency_seconds_sum"};
    private static final String[] BIG_GPU = {"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_MEM_COPY_UTIL",
        "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_SM_CLOCK",
        "DCGM_FI_DEV_MEM_CLOCK", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS",
        "DCGM_FI_PROF_SM_ACTIVE"};

    /** A big answer written as it is made (chunked): every series read by the analyses, all in the window. */
    private static void big(LoopbackHttp.Request req, OutputStream out) throws IOException {
        boolean gpu = gpuQuery(req);
        try (OutputStream os = HttpBytes.chunked(out, "application/json");
                Writer w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8),
                        1 << 16)) {
            w.write("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
            String[] names = gpu ? BIG_GPU : BIG_SERVER;
            String[] le = {"0.5", "5", "+Inf"};
            for (int i = 0; i < BIG; i++) {
                for (int k = 0; k < names.length; k++) {
                    w.write(i == 0 && k == 0 ? "{\"metric\":{" : ",{\"metric\":{");
                    w.write("\"__name__\":\"" + names[k] + "\",\"instance\":\"n" + i + ":1\",\"job\":\"big\"");
                    w.write(gpu ? ",\"gpu\":\"0\"" : ",\"model_name\":\"glm\"");
                    if (!gpu && k >= 5 && k <= 7) {
                        w.write(",\"le\":\"" + le[k - 5] + "\"");
                    }
                    w.write("},\"values\":[");
                    for (int p = 0; p < POINTS; p++) {
                        // counters and buckets rise by one a second, gauges hold (plausible for every field)
                        String v = gpu ? (k == 8 ? "0" : k == 9 ? "0.5" : "50") : k == 2 ? "0.5" : k <= 1 ? "1"
                                : Integer.toString(p);
                        w.write((p == 0 ? "[" : ",[") + (S + p) + ",\"" + v + "\"]");
                    }
                    w.write("]}");
                }
            }
            w.write("]}}");
        }
    }

    /**
     * Issue 32, "Memory without bound": diagnose --prometheus used about 54x the answer's size (231 MB, 11 M samples,
     * went past 6.4 GB). Two answers of 3,000,000 samples (300 replicas, 300 GPU nodes, 10 series of 1,000 points
     * each) against a child JVM of 128 MiB of heap: it ends with exit 0, having kept the first
     * {@link PrometheusApi#MAX_SAMPLES_PER_QUERY} samples of each (whole series) and counted the rest in its data
     * loss. The bound is around the process, not on its speed.
     */
    @Test
    void aHugeAnswerIsCutToTheLimitsInASmallHeap() throws Exception {
        Path out = tmp.resolve("big.json");
        Path err = tmp.resolve("big.err");
        try (LoopbackHttp prom = LoopbackHttp.keepAlive(HostilePrometheusTest::big)) {
            Process p = child(err, "-Xmx128m", "diagnose", "--prometheus", prom.url(), "--start", Long.toString(S),
                    "--end", Long.toString(S + POINTS - 1), "--step", "1s", "--format", "json", "-o", out.toString());
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "diagnose --prometheus did not end within 5 minutes");
            assertEquals(0, p.exitValue(), Files.readString(err));
        }
        JsonNode d = JSON.readTree(out.toFile());
        long sent = 2L * BIG * 10 * POINTS;
        // whole series of 1,000 points fit the limit exactly: each query keeps MAX_SAMPLES_PER_QUERY
        long kept = 2 * (PrometheusApi.MAX_SAMPLES_PER_QUERY / POINTS * POINTS);
        assertEquals(sent - kept, d.get("dataLoss").get("malformed").get(PrometheusApi.CUT).asLong(),
                d.get("dataLoss").toString());
        assertEquals(PrometheusApi.MAX_SAMPLES_PER_QUERY / POINTS / 10, d.get("fleet").get("instances").size());
    }

    /**
     * Issue 32, "Hangs: HTTP bodies have no deadline": diagnose --prometheus against an answer sent at 1 byte/s was
     * still running at 80 s. With --prometheus-timeout 2s the child ends, exit 2, one line naming the deadline; the
     * bound is around the process.
     */
    @Test
    void anAnswerAtOneBytePerSecondEndsAtTheDeadline() throws Exception {
        Path err = tmp.resolve("slow.err");
        try (LoopbackHttp prom = LoopbackHttp.keepAlive((req, out) -> {
            OutputStream os = HttpBytes.chunked(out, "application/json");
            for (byte b : matrix("").getBytes(StandardCharsets.UTF_8)) {
                os.write(b);
                os.flush();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        })) {
            Process p = child(err, "-Xmx128m", "diagnose", "--prometheus", prom.url(), "--start", Long.toString(S),
                    "--end", Long.toString(S + 3), "--step", "1s", "--prometheus-timeout", "2s");
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "diagnose --prometheus was still running after 60 s");
            String e = Files.readString(err);
            assertEquals(ExitCodes.BAD_INPUT, p.exitValue(), e);
            assertEquals(1, e.strip().lines().count(), e);
            assertTrue(e.contains("no complete answer within 2 s"), e);
        }
    }
}
