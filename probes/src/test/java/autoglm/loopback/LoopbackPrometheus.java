package autoglm.loopback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Needs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real Prometheus on loopback for the tests ({@link Needs#tool} finds it: CI=true fails without it,
 * elsewhere the test is skipped): scraping targets every second, or serving a backfilled data folder;
 * its HTTP API read back. Stopped on close.
 */
public final class LoopbackPrometheus implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    /** http://127.0.0.1:PORT, its HTTP API's base. */
    public final String api;

    private LoopbackPrometheus(Process process, String api) {
        this.process = process;
        this.api = api;
    }

    /** Scrapes the targets (ports on 127.0.0.1) every second as job {@code job}; its files under {@code dir}. */
    public static LoopbackPrometheus scraping(Path dir, String job, int... targets) throws Exception {
        List<String> t = new ArrayList<>();
        for (int p : targets) {
            t.add("'127.0.0.1:" + p + "'");
        }
        Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\nscrape_configs:\n"
                + "  - job_name: " + job + "\n    static_configs:\n      - targets: [" + String.join(", ", t) + "]\n");
        return start(dir, dir.resolve("data"));
    }

    /** Serves {@code data} (blocks backfilled by promtool), scraping nothing. */
    public static LoopbackPrometheus serving(Path dir, Path data) throws Exception {
        Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 15s\nscrape_configs: []\n");
        return start(dir, data);
    }

    private static LoopbackPrometheus start(Path dir, Path data) throws Exception {
        Path prometheus = Needs.tool("prometheus", "Debian: apt-get install prometheus");
        int web;
        try (ServerSocket s = new ServerSocket(0)) {
            web = s.getLocalPort();
        }
        Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + data, "--storage.tsdb.retention.time=100y",
                "--web.listen-address=127.0.0.1:" + web).redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        LoopbackPrometheus lp = new LoopbackPrometheus(p, "http://127.0.0.1:" + web);
        try {
            lp.waitReady();
        } catch (Exception | AssertionError e) {
            lp.close();
            throw e;
        }
        return lp;
    }

    private void waitReady() throws Exception {
        for (int i = 0; i < 150; i++) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertTrue(process.isAlive(), "prometheus ended at start");
            Thread.sleep(100);
        }
        throw new AssertionError("prometheus not ready in 15 s");
    }

    /** The whole answer of an instant query ({@code time}: unix seconds, or null for now). */
    public JsonNode answer(String promql, String time) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?"
                + (time == null ? "" : "time=" + time + "&") + "query=" + URLEncoder.encode(promql,
                        StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    /** The result of an instant query now, which must succeed. */
    public JsonNode query(String promql) throws IOException, InterruptedException {
        JsonNode a = answer(promql, null);
        assertEquals("success", a.path("status").asText(), promql + ": " + a);
        return a.get("data").get("result");
    }

    /** One series' value of an instant query at {@code time}. */
    public double value(String promql, String time) throws IOException, InterruptedException {
        JsonNode result = answer(promql, time).path("data").path("result");
        assertEquals(1, result.size(), promql + ": " + result);
        return Double.parseDouble(result.get(0).get("value").get(1).asText());
    }

    /** The value of an instant query now that gives one series; NaN while it gives none or several (for waits). */
    public double now(String promql) throws IOException, InterruptedException {
        JsonNode result = answer(promql, null).path("data").path("result");
        return result.size() == 1 ? Double.parseDouble(result.get(0).get("value").get(1).asText()) : Double.NaN;
    }

    /** The series' highest value over the last five minutes (a counter's last, once its run has ended). */
    public double max(String selector) throws IOException, InterruptedException {
        return value("max_over_time(" + selector + "[5m])", null);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
