package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.LoopbackPrometheus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real Prometheus, on loopback, scrapes {@code profile --prometheus-port} every second while a command runs
 * under the probes; what Prometheus stores must be the samples the run folder keeps. (No GPU here: the host's
 * samples are the ones served; the GPU's go through the same path, PrometheusExportTest checks their names.)
 */
class PrometheusScrapeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void prometheusStoresTheSamplesTheRunKeeps() throws Exception {
        int target = LoadServeTest.freePort();
        try (LoopbackPrometheus prom = LoopbackPrometheus.scraping(tmp, "autoglm", target)) {
            // Prometheus's first scrape of a target can come seconds after it is ready: the run goes on serving after
            // its 5 s until 4 more scrapes are answered, so that at least 3 are stored
            Process profile = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "autoglm.cli.Main", "profile", "--interval", "200ms",
                    "--host-interval", "200ms", "--prometheus-port", "127.0.0.1:" + target,
                    "--prometheus-final-scrapes", "4", "--out", tmp.resolve("runs").toString(), "--name", "scraped",
                    "--", "sleep", "5")
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

            JsonNode stored = prom.query("autoglm_host_cpu_utilization_ratio{job=\"autoglm\"}[5m]");
            assertEquals(1, stored.size(), "one series: " + stored);
            assertEquals(run.getFileName().toString(), stored.get(0).get("metric").get("run").asText());
            List<Double> values = new ArrayList<>();
            stored.get(0).get("values").forEach(v -> values.add(Double.parseDouble(v.get(1).asText())));
            assertTrue(values.size() >= 3, "scraped " + values.size() + " times: " + stored);
            for (double v : values) {
                assertTrue(cpu.contains(v), v + " stored by Prometheus is none of the run's samples " + cpu);
            }
            JsonNode memory = prom.query("autoglm_host_memory_total_bytes[5m]");
            memory.get(0).get("values").forEach(v -> assertTrue(total.contains(Double.parseDouble(v.get(1).asText()))));
            JsonNode taken = prom.query("max_over_time(autoglm_samples_total{kind=\"host\"}[5m])");
            double counted = Double.parseDouble(taken.get(0).get("value").get(1).asText());
            int kept = lines.size() - 1;
            assertTrue(counted >= values.size() && counted <= kept, counted + " samples counted, " + kept + " kept");
        }
    }

    @Test
    void theWorkloadsFiguresAreServedAsItWritesThem() throws Exception {
        String py = LoadServeTest.python();
        int target = LoadServeTest.freePort();
        try (LoopbackPrometheus prom = LoopbackPrometheus.scraping(tmp, "workload", target)) {
            Run r = Run.of("profile", "--model", "glm-tiny", "--scenario", "decode", "--python", py,
                    "--prometheus-port", "127.0.0.1:" + target, "--prometheus-final-scrapes", "2", "--out",
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
            assertEquals(steps, prom.max("autoglm_workload_steps_total" + sel));
            assertEquals(tokens, prom.max("autoglm_workload_tokens_total" + sel));
            assertEquals(steps, prom.max("autoglm_workload_step_seconds_count" + sel));
            assertEquals(stepSeconds, prom.max("autoglm_workload_step_seconds_sum" + sel), 1e-9);
            assertEquals(requests, prom.max("autoglm_workload_requests_total{job=\"workload\"}"));
        }
    }

    /** Debian's prometheus; CI installs it (.ci/run); elsewhere the test is skipped without it. */
    static Path prometheus() {
        return tool("prometheus");
    }

    /** A program of Debian's prometheus package (prometheus, promtool): CI=true fails without it, else skips. */
    static Path tool(String name) {
        return autoglm.Needs.tool(name, "Debian: apt-get install prometheus");
    }
}
