package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.LoopbackPrometheus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real Prometheus scrapes {@code load --prometheus-port} every second while a bounded agent load runs against
 * a real {@code autoglm serve} (glm-tiny on the CPU) started with {@code --serve}: what it stores must be what the run
 * folder's requests.csv says of the measured requests (counts, TTFT and end-to-end sums, inter-token gaps), the host
 * samples of the server's processes, and the findings of the diagnosis. And {@code serve --prometheus-port} until
 * SIGTERM: the stored host samples are those its run folder keeps.
 */
class LoadPrometheusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void prometheusStoresTheRequestsTheLoadKeeps() throws Exception {
        String py = LoadServeTest.python();
        int target = LoadServeTest.freePort();
        int port = LoadServeTest.freePort();
        try (LoopbackPrometheus prom = LoopbackPrometheus.scraping(tmp, "load", target)) {
                        Path json = tmp.resolve("load.json");
            Run r = Run.of("load", "http://127.0.0.1:" + port, "--out", tmp.resolve("runs").toString(), "--name",
                    "exported", "--format", "json", "-o", json.toString(), "--image", "56x112", "--think-time",
                    "50ms-150ms", "--python", py, "--sessions", "2", "--steps", "2", "--prometheus-port",
                    "127.0.0.1:" + target, "--prometheus-final-scrapes", "3", "--serve", "--", "autoglm", "serve", "--model",
                    "glm-tiny", "--port", Integer.toString(port));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("serving Prometheus at http://127.0.0.1:" + target + "/metrics"), r.err());
            Path run;
            try (Stream<Path> runs = Files.list(tmp.resolve("runs"))) {
                run = runs.findFirst().orElseThrow();
            }
            // requests.csv, read by its header: the measured requests that ended ok
            List<String> lines = Files.readAllLines(run.resolve("requests.csv"));
            List<String> header = List.of(lines.get(0).split(","));
            int ok = 0;
            int failed = 0;
            double ttft = 0;
            double e2e = 0;
            long gaps = 0;
            long output = 0;
            for (String line : lines.subList(1, lines.size())) {
                String[] c = line.split(",", -1);
                if (c[header.indexOf("warmup")].equals("true")) {
                    continue;
                }
                if (!c[header.indexOf("status")].equals("ok")) {
                    failed++;
                    continue;
                }
                ok++;
                ttft += Double.parseDouble(c[header.indexOf("ttft_ms")]) / 1000;
                e2e += Double.parseDouble(c[header.indexOf("e2el_ms")]) / 1000;
                String chunks = c[header.indexOf("chunk_ms")].trim();
                gaps += chunks.isEmpty() ? 0 : chunks.split(" ").length - 1;
                output += Long.parseLong(c[header.indexOf("completion_tokens")]);
            }
            assertTrue(ok >= 4 && failed == 0, ok + " ok, " + failed + " failed");
            String sel = "{job=\"load\",run=\"" + run.getFileName() + "\"}";
            assertEquals(ok, prom.max("autoglm_load_requests_total{job=\"load\",status=\"ok\"}"));
            assertEquals(ok, prom.max("autoglm_load_time_to_first_token_seconds_count" + sel));
            assertEquals(ttft, prom.max("autoglm_load_time_to_first_token_seconds_sum" + sel), 1e-6);
            assertEquals(e2e, prom.max("autoglm_load_e2e_request_latency_seconds_sum" + sel), 1e-6);
            assertEquals(gaps, prom.max("autoglm_load_inter_token_latency_seconds_count" + sel));
            assertEquals(output, prom.max("autoglm_load_output_tokens_total" + sel));
            assertTrue(prom.max("autoglm_samples_total{job=\"load\",kind=\"host\"}") > 0, "the server's host samples");
            // the findings, once diagnosed: a score per rule that applied
            JsonNode d = JSON.readTree(json.toFile());
            int applied = 0;
            for (JsonNode f : d.get("findings")) {
                if (f.get("severity").asText().equals("not-applicable")) {
                    continue;
                }
                applied++;
                // the JSON report rounds scores to 0.1; the endpoint serves them whole
                double served = prom.max("autoglm_rule_score{job=\"load\",rule=\"" + f.get("rule").asText() + "\"}");
                assertEquals(f.get("score").asDouble(), Math.round(served * 10) / 10.0, 1e-9, f.get("rule").asText());
            }
            assertTrue(applied > 0);
            // every query of the Grafana dashboard (docs/grafana/autoglm.json) is PromQL this Prometheus accepts, and
            // the load panels' find the load's series
            JsonNode dash = JSON.readTree(autoglm.Fixtures.root().resolve("docs/grafana/autoglm.json").toFile());
            for (JsonNode e : dash.findValues("expr")) {
                String q = e.asText().replace("$host", ".*").replace("$run", ".*");
                JsonNode result = prom.query(q);
                if (q.contains("autoglm_load_")) {
                    assertTrue(result.size() > 0, q + ": " + prom.query("autoglm_load_requests_total[5m]"));
                }
            }
        }
    }

    @Test
    void serveUnderTheProbesServesItsSamplesUntilStopped() throws Exception {
        String py = LoadServeTest.python();
        int target = LoadServeTest.freePort();
        int port = LoadServeTest.freePort();
        try (LoopbackPrometheus prom = LoopbackPrometheus.scraping(tmp, "serve", target)) {
            Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), "autoglm.cli.Main", "serve", "--model", "glm-tiny", "--port",
                    Integer.toString(port), "--python", py, "--prometheus-port", "127.0.0.1:" + target, "--out",
                    tmp.resolve("runs").toString()).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("serve.log").toFile()).start();
            try {
                                FleetReadTest.waitFor("http://127.0.0.1:" + port + "/health");
                double taken = 0;
                for (int i = 0; i < 300 && taken < 3; i++) {
                    Thread.sleep(200);
                    try {
                        taken = prom.max("autoglm_samples_total{job=\"serve\",kind=\"host\"}");
                    } catch (AssertionError notYet) {
                        // not scraped yet
                    }
                }
                assertTrue(taken >= 3, "host samples served: " + taken + "; " + Files.readString(tmp.resolve("serve.log")));
                serve.destroy(); // SIGTERM: the server and its probes stop, the run folder is finished
                assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve did not stop");
                assertEquals(0, serve.exitValue(), Files.readString(tmp.resolve("serve.log")));
                Path run;
                try (Stream<Path> runs = Files.list(tmp.resolve("runs"))) {
                    run = runs.findFirst().orElseThrow();
                }
                List<String> lines = Files.readAllLines(run.resolve("host.csv"));
                List<String> header = List.of(lines.get(0).split(","));
                java.util.Set<Double> cpu = new java.util.HashSet<>();
                for (String line : lines.subList(1, lines.size())) {
                    cpu.add(Double.parseDouble(line.split(",", -1)[header.indexOf("cpu_pct")]) / 100);
                }
                JsonNode stored = prom.query("autoglm_host_cpu_utilization_ratio{job=\"serve\"}[5m]");
                assertEquals(run.getFileName().toString(), stored.get(0).get("metric").get("run").asText());
                stored.get(0).get("values").forEach(v -> assertTrue(cpu.contains(Double.parseDouble(v.get(1).asText())),
                        v + " is none of the run's samples"));
                assertTrue(Files.readString(run.resolve("run.json")).contains("\"complete\""), "run.json written");
            } finally {
                serve.destroy();
                serve.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
