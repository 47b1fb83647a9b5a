package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real Prometheus, on loopback, scrapes {@code profile --prometheus-port} every second while a command runs
 * under the probes; what Prometheus stores must be the samples the run folder keeps. (No GPU here: the host's
 * samples are the ones served; the GPU's go through the same path, PrometheusExportTest checks their names.)
 */
class PrometheusScrapeTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void prometheusStoresTheSamplesTheRunKeeps() throws Exception {
        Path prometheus = prometheus();
        int target = LoadServeTest.freePort();
        int web = LoadServeTest.freePort();
        Files.writeString(tmp.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\nscrape_configs:\n"
                + "  - job_name: autoglm\n    static_configs:\n      - targets: ['127.0.0.1:" + target + "']\n");
        Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + tmp.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + web)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
        try {
            String api = "http://127.0.0.1:" + web;
            waitReady(api, server);
            // Prometheus's first scrape of a target can come seconds after it is ready: the run lingers 4 s after its
            // 5 s so that at least 3 scrapes land
            Process profile = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "autoglm.cli.Main", "profile", "--interval", "200ms",
                    "--host-interval", "200ms", "--prometheus-port", "127.0.0.1:" + target, "--prometheus-linger", "4s",
                    "--out", tmp.resolve("runs").toString(), "--name", "scraped", "--", "sleep", "5")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("profile.log").toFile()).start();
            assertTrue(profile.waitFor(120, TimeUnit.SECONDS), "profile did not end");
            assertEquals(0, profile.exitValue(), Files.readString(tmp.resolve("profile.log")));

            Path run;
            try (Stream<Path> runs = Files.list(tmp.resolve("runs"))) {
                run = runs.findFirst().orElseThrow();
            }
            List<String> lines = Files.readAllLines(run.resolve("host.csv"));
            List<String> header = List.of(lines.get(0).split(","));
            Set<Double> cpu = new HashSet<>();
            Set<Double> total = new HashSet<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                cpu.add(Double.parseDouble(cells[header.indexOf("cpu_pct")]) / 100);
                total.add(Double.parseDouble(cells[header.indexOf("host_mem_total_bytes")]));
            }

            JsonNode stored = query(api, "autoglm_host_cpu_utilization_ratio{job=\"autoglm\"}[5m]");
            assertEquals(1, stored.size(), "one series: " + stored);
            assertEquals(run.getFileName().toString(), stored.get(0).get("metric").get("run").asText());
            List<Double> values = new ArrayList<>();
            stored.get(0).get("values").forEach(v -> values.add(Double.parseDouble(v.get(1).asText())));
            assertTrue(values.size() >= 3, "scraped " + values.size() + " times: " + stored);
            for (double v : values) {
                assertTrue(cpu.contains(v), v + " stored by Prometheus is none of the run's samples " + cpu);
            }
            JsonNode memory = query(api, "autoglm_host_memory_total_bytes[5m]");
            memory.get(0).get("values").forEach(v -> assertTrue(total.contains(Double.parseDouble(v.get(1).asText()))));
            JsonNode taken = query(api, "max_over_time(autoglm_samples_total{kind=\"host\"}[5m])");
            double counted = Double.parseDouble(taken.get(0).get("value").get(1).asText());
            int kept = lines.size() - 1;
            assertTrue(counted >= values.size() && counted <= kept, counted + " samples counted, " + kept + " kept");
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theWorkloadsFiguresAreServedAsItWritesThem() throws Exception {
        Path prometheus = prometheus();
        String py = LoadServeTest.python();
        int target = LoadServeTest.freePort();
        int web = LoadServeTest.freePort();
        Files.writeString(tmp.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\nscrape_configs:\n"
                + "  - job_name: workload\n    static_configs:\n      - targets: ['127.0.0.1:" + target + "']\n");
        Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + tmp.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + web)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
        try {
            String api = "http://127.0.0.1:" + web;
            waitReady(api, server);
            Run r = Run.of("profile", "--model", "glm-tiny", "--scenario", "decode", "--python", py,
                    "--prometheus-port", "127.0.0.1:" + target, "--prometheus-linger", "4s", "--out",
                    tmp.resolve("runs").toString(), "--format", "json", "-o", tmp.resolve("d.json").toString());
            assertEquals(0, r.code(), r.err());
            Path run;
            try (Stream<Path> runs = Files.list(tmp.resolve("runs"))) {
                run = runs.findFirst().orElseThrow();
            }
            // events.jsonl, read here on its own: the decode steps (warm-ups left out) and the requests
            int steps = 0;
            int requests = 0;
            double stepSeconds = 0;
            double tokens = 0;
            for (String line : Files.readAllLines(run.resolve("events.jsonl"))) {
                JsonNode e = JSON.readTree(line);
                if (e.get("event").asText().equals("step") && e.get("phase").asText().equals("decode")
                        && !e.path("warmup").asBoolean(false)) {
                    steps++;
                    stepSeconds += e.get("ms").asDouble() / 1000;
                    tokens += e.get("real_tokens").asDouble();
                } else if (e.get("event").asText().equals("request")) {
                    requests++;
                }
            }
            assertTrue(steps > 0 && requests > 0, steps + " steps, " + requests + " requests");
            String sel = "{job=\"workload\",phase=\"decode\"}";
            assertEquals(steps, max(api, "autoglm_workload_steps_total" + sel));
            assertEquals(tokens, max(api, "autoglm_workload_tokens_total" + sel));
            assertEquals(steps, max(api, "autoglm_workload_step_seconds_count" + sel));
            assertEquals(stepSeconds, max(api, "autoglm_workload_step_seconds_sum" + sel), 1e-9);
            assertEquals(requests, max(api, "autoglm_workload_requests_total{job=\"workload\"}"));
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static double max(String api, String selector) throws Exception {
        JsonNode r = query(api, "max_over_time(" + selector + "[5m])");
        assertEquals(1, r.size(), selector + ": " + r);
        return Double.parseDouble(r.get(0).get("value").get(1).asText());
    }

    private static JsonNode query(String api, String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("data").get("result");
    }

    private static void waitReady(String api, Process server) throws Exception {
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
            assertTrue(server.isAlive(), "prometheus ended at start");
            Thread.sleep(100);
        }
        throw new AssertionError("prometheus not ready in 15 s");
    }

    /** Debian's prometheus; CI installs it (.ci/run); elsewhere the test is skipped without it. */
    static Path prometheus() {
        return tool("prometheus");
    }

    /** A program of Debian's prometheus package (prometheus, promtool): CI=true fails without it, else skips. */
    static Path tool(String name) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(name + " is not installed; .ci/run installs it (apt-get install prometheus)");
        }
        Assumptions.abort(name + " is not installed (Debian: apt-get install prometheus); CI runs this check");
        return null;
    }
}
