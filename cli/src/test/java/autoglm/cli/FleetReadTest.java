package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.LoopbackPrometheus;
import autoglm.analyse.Metrics;
import autoglm.analyse.load.ServerMetricsAnalysis;
import autoglm.model.load.Scrape;
import autoglm.read.prometheus.FleetReader;
import autoglm.read.prometheus.PrometheusApi;
import autoglm.util.BadInputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet read back from Prometheus: two real {@code autoglm serve} replicas (glm-tiny on the CPU) on loopback, one
 * given four agent sessions and the other one, scraped every second by Debian's Prometheus with autoglm's own
 * exporter (the first load's --prometheus-port); their series read back
 * through its HTTP API (query_range) by instance must count the requests each load completed, and the analysis of
 * the load's own scrapes runs on them.
 */
class FleetReadTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The folder of the fleet now running (Prometheus's data, logs, load runs): a new one for each. */
    private Path work;

    /** What a fleet test checks, with Prometheus still up: its URL, the window, and each load's completed requests. */
    interface Check {
        void run(String api, double startMs, double endMs, int doneA, int doneB, int a, int b) throws Exception;
    }

    @Test
    void eachReplicaCountsTheRequestsItsLoadCompleted() throws Exception {
        fleet(4, 1, null, this::checkRead);
    }

    @Test
    void fourTimesTheLoadOnOneReplicaIsAnImbalanceAndEqualLoadIsNot() throws Exception {
        fleet(4, 1, "glm-tiny", (api, startMs, endMs, doneA, doneB, a, b) -> {
            JsonNode d = diagnose(api, startMs, endMs, "json");
            // a third replica of the same model, up and scraped but given no load: idle, and left out of the imbalance
            JsonNode idle = finding(d, "idle-replica");
            assertEquals("warning", idle.get("severity").asText(), idle.toString());
            assertEquals("127.0.0.1:" + third, d.get("metrics").get("fleet_idle_names").get("text").asText());
            assertEquals(100.0 / 3, d.get("metrics").get("fleet_idle_pct").get("value").asDouble(), 1e-9);
            // the same Prometheus scraped autoglm's own exporter too: load a's requests as its client counted them
            assertEquals(doneA, fleetProm.max("autoglm_load_requests_total{job=\"fleet\",status=\"ok\",instance=\"127.0.0.1:"
                    + exporter + "\"}"));
            assertEquals(0, d.get("fleet").get("gpuInstances").size(), "no GPU series from a load without --serve");
            JsonNode f = finding(d, "load-imbalance");
            assertEquals("warning", f.get("severity").asText(), "loads completed " + doneA + " and " + doneB + ": " + f);
            assertEquals("127.0.0.1:" + a, d.get("metrics").get("fleet_busiest_instance").get("text").asText());
            assertEquals((double) doneA / doneB, d.get("metrics").get("fleet_imbalance_ratio").get("value").asDouble());
            // the gain: the busiest replica's requests above the mean, as a share of its requests
            double mean = (doneA + doneB) / 2.0;
            assertEquals((doneA - mean) / doneA * 100, f.get("gain").get("percent").asDouble(), 1e-9, f.toString());
            assertEquals(3, d.get("fleet").get("instances").size());
            Run terminal = Run.of("diagnose", "--prometheus", api, "--start", Double.toString(startMs / 1000), "--end",
                    Double.toString(endMs / 1000), "--selector", "{job=\"fleet\"}", "--step", "1s");
            assertTrue(terminal.out().contains("diagnosis of a fleet of serving replicas"), terminal.out());
            assertTrue(terminal.out().contains("127.0.0.1:" + a) && terminal.out().contains("load-imbalance"),
                    terminal.out());
            Files.writeString(tmp.resolve("terminal.txt"), terminal.out());
            String html = Files.readString(lastOut("html", api, startMs, endMs));
            assertTrue(html.contains("<section id=\"fleet\">") && html.contains("127.0.0.1:" + b), "HTML replicas");
            Files.copy(lastJson, tmp.resolve("imbalanced.json"));
        });
        fleet(2, 2, "glm-other", (api, startMs, endMs, doneA, doneB, a, b) -> {
            JsonNode d = diagnose(api, startMs, endMs, "json");
            JsonNode f = finding(d, "load-imbalance");
            assertEquals("ok", f.get("severity").asText(), "loads completed " + doneA + " and " + doneB + ": " + f);
            // the idle third replica serves another model: compared with none, it is not idle among glm-tiny's
            assertEquals(2, d.get("metrics").get("fleet_models").get("value").asInt());
            assertEquals("ok", finding(d, "idle-replica").get("severity").asText(), finding(d, "idle-replica").toString());
            assertEquals("none", d.get("metrics").get("fleet_idle_names").get("text").asText());
            // no GPU exporter in this Prometheus: the GPU fleet metrics say so, never 0
            JsonNode gap = d.get("metrics").get("fleet_throttle_gap_pct");
            assertTrue(gap.get("value").isNull() && gap.get("reason").asText().contains("no DCGM exporter or autoglm GPU"
                    + " series"), gap.toString());
            assertEquals(0, d.get("fleet").get("gpuInstances").size());
            Files.copy(lastJson, tmp.resolve("balanced.json"));
        });
        // the same JSON schema: gate reads a fleet's result as any other, with thresholds on the fleet's metrics
        Path limits = Files.writeString(tmp.resolve("fleet-gate.yaml"), "fleet_imbalance_ratio: +50%\n"
                + "findings: {max_severity: info, new_only: true}\n");
        Run same = Run.of("gate", "--baseline", tmp.resolve("balanced.json").toString(), "--current",
                tmp.resolve("balanced.json").toString(), "--thresholds", limits.toString());
        assertEquals(0, same.code(), same.out() + same.err());
        Run worse = Run.of("gate", "--baseline", tmp.resolve("balanced.json").toString(), "--current",
                tmp.resolve("imbalanced.json").toString(), "--thresholds", limits.toString());
        assertEquals(1, worse.code(), worse.out() + worse.err());
        assertTrue((worse.out() + worse.err()).contains("load-imbalance"), worse.out() + worse.err());
    }

    private Path lastJson;

    /** diagnose --prometheus with the window given, written to a new file: JSON, or HTML (--html). */
    private Path lastOut(String format, String api, double startMs, double endMs) throws Exception {
        Path out = tmp.resolve("fleet-" + System.nanoTime() + "." + format);
        Run r = Run.of("diagnose", "--prometheus", api, "--start", Double.toString(startMs / 1000), "--end",
                Double.toString(endMs / 1000), "--selector", "{job=\"fleet\"}", "--step", "1s", "--format", "json",
                format.equals("html") ? "--html" : "-o", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        return out;
    }

    private JsonNode diagnose(String api, double startMs, double endMs, String format) throws Exception {
        lastJson = lastOut(format, api, startMs, endMs);
        return JSON.readTree(lastJson.toFile());
    }

    private static JsonNode finding(JsonNode d, String rule) {
        for (JsonNode f : d.get("findings")) {
            if (f.get("rule").asText().equals(rule)) {
                return f;
            }
        }
        throw new AssertionError("no " + rule + " in " + d.get("findings"));
    }

    /** The port of the third replica, when the fleet has one. */
    private int third;

    /** The port of load a's own exporter (--prometheus-port), and the Prometheus of the fleet now running. */
    private int exporter;
    private LoopbackPrometheus fleetProm;

    /**
     * Replicas a and b of glm-tiny given {@code sessionsA} and {@code sessionsB} agent sessions, and when
     * {@code thirdModel} is given a third replica serving under that name, given none.
     */
    private void fleet(int sessionsA, int sessionsB, String thirdModel, Check check) throws Exception {
        work = Files.createTempDirectory(tmp, "fleet");
        String py = LoadServeTest.python();
        int a = LoadServeTest.freePort();
        int b = LoadServeTest.freePort();
        List<Process> started = new ArrayList<>();
        LoopbackPrometheus prom = null;
        try {
            started.add(replica(a, py, "a"));
            started.add(replica(b, py, "b"));
            third = thirdModel == null ? -1 : LoadServeTest.freePort();
            if (thirdModel != null) {
                started.add(replica(third, py, "c", "--served-model-name", thirdModel));
            }
            // the same job scrapes autoglm's own exporter: load a's --prometheus-port
            exporter = LoadServeTest.freePort();
            prom = LoopbackPrometheus.scraping(work, "fleet", thirdModel == null ? new int[] {a, b, exporter}
                    : new int[] {a, b, third, exporter});
            fleetProm = prom;
            waitFor("http://127.0.0.1:" + a + "/metrics");
            waitFor("http://127.0.0.1:" + b + "/metrics");
            if (thirdModel != null) {
                waitFor("http://127.0.0.1:" + third + "/metrics");
            }
            double startMs = System.currentTimeMillis();
            // Prometheus's first scrape of a target comes up to a scrape interval or more after it is ready: the load
            // starts once each replica has been scraped at 0 (a replica first seen mid-load counts from there on, as
            // Prometheus's increase() does)
            scraped(prom, a, 0);
            scraped(prom, b, 0);
            if (thirdModel != null) {
                scraped(prom, third, 0);
            }
            // and once more after the window opened, so that its first page holds each replica's count at 0
            for (int port : thirdModel == null ? new int[] {a, b} : new int[] {a, b, third}) {
                scrapedAfter(prom, port, startMs / 1000);
            }
            int doneA = load(a, sessionsA, "a", "--prometheus-port", "127.0.0.1:" + exporter,
                    "--prometheus-final-scrapes", "2");
            int doneB = load(b, sessionsB, "b");
            // the window ends once Prometheus holds each replica's final count (a replica busy decoding can miss a
            // scrape or two; a window ended before they land reads the count of an earlier scrape)
            double finalA = scraped(prom, a, doneA);
            double finalB = scraped(prom, b, doneB);
            // the window ends a query step (1 s) after those scrapes and once each has been scraped again since: the
            // range query's last step then lies past the final counts
            scrapedAfter(prom, a, finalA + 1);
            scrapedAfter(prom, b, finalB + 1);
            double endMs = System.currentTimeMillis();
            check.run(prom.api, startMs, endMs, doneA, doneB, a, b);
        } finally {
            if (prom != null) {
                prom.close();
            }
            for (Process p : started) {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private void checkRead(String url, double startMs, double endMs, int doneA, int doneB, int a, int b)
            throws Exception {
        {
            PrometheusApi api = new PrometheusApi(url);
            List<FleetReader.Instance> fleet = FleetReader.servers(api, "{job=\"fleet\"}", startMs, endMs, 1000);
            assertEquals(2, fleet.size(), fleet.toString());
            int[] done = {doneA, doneB};
            int[] ports = {a, b};
            for (FleetReader.Instance in : fleet) {
                int which = in.instance().equals("127.0.0.1:" + a) ? 0 : 1;
                assertEquals("127.0.0.1:" + ports[which], in.instance());
                assertEquals("fleet", in.job());
                List<Scrape> pages = in.scrapes();
                // the waits above guarantee a page at 0 inside the window and one past the final count
                assertTrue(pages.size() >= 2, in.instance() + ": " + pages.size() + " pages");
                autoglm.model.load.SeriesKey count = autoglm.model.load.SeriesKey.of(
                        "vllm:e2e_request_latency_seconds_count", java.util.Map.of("model_name", "glm-tiny"));
                double first = pages.get(0).samples().getOrDefault(count, 0.0);
                double last = pages.get(pages.size() - 1).samples().get(count);
                assertEquals(done[which], last - first, in.instance() + ": requests counted in Prometheus");
                StringBuilder trail = new StringBuilder();
                pages.forEach(pg -> trail.append(pg.samples().get(count)).append(' '));
                autoglm.diagnose.Diagnosis fd = autoglm.diagnose.Diagnoser.withDefaults().diagnoseFleet(fleet, List.of(),
                        new autoglm.diagnose.Diagnoser.FleetWhere(url, "", "", startMs, endMs, 1000));
                double counted = fd.fleet().rows().stream().filter(r -> r.instance().equals(in.instance())).findFirst()
                        .orElseThrow().requests();
                assertEquals(done[which], counted, in.instance() + ": requests of the fleet analysis; pages: " + trail);
                JsonNode cli = JSON.readTree(lastOut("json", url, startMs, endMs).toFile());
                StringBuilder rows = new StringBuilder();
                cli.get("fleet").get("instances").forEach(r -> rows.append(r.get("instance").asText()).append('=')
                        .append(r.get("requests").asText()).append(' '));
                assertTrue(rows.toString().contains(in.instance() + "=" + done[which] + ".0"), "CLI: " + rows + " start "
                        + Double.toString(startMs / 1000) + " end " + Double.toString(endMs / 1000) + " " + cli.get("fleet"));
                Metrics m = ServerMetricsAnalysis.analyze(pages, "none");
                assertEquals("vllm", m.get("server_kind").text());
                assertEquals(pages.size(), (int) m.get("server_scrapes").value());
            }
            assertEquals(4, doneA / doneB, "four sessions against one");

            assertThrows(BadInputException.class, () -> FleetReader.servers(api, "job=fleet", startMs, endMs, 1000));
            BadInputException refused = assertThrows(BadInputException.class,
                    () -> FleetReader.servers(api, "{job=~\"(\"}", startMs, endMs, 1000));
            assertTrue(refused.getMessage().contains("Prometheus refused the query: bad_data"), refused.getMessage());
            BadInputException away = assertThrows(BadInputException.class, () -> new PrometheusApi("http://127.0.0.1:"
                    + LoadServeTest.freePort()).queryRange("up", startMs, endMs, 1000));
            assertTrue(away.getMessage().contains("cannot reach it"), away.getMessage());
        }
    }

    /**
     * Waits (60 s at most) until Prometheus's latest value of the replica's request count is {@code done}; the time of
     * that sample (unix seconds).
     */
    private static double scraped(LoopbackPrometheus prom, int port, int done) throws Exception {
        String q = "vllm:e2e_request_latency_seconds_count{instance=\"127.0.0.1:" + port + "\"}";
        double last = Double.NaN;
        for (int i = 0; i < 600; i++) {
            last = prom.now(q);
            if (last == done) {
                return prom.now("timestamp(" + q + ")");
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Prometheus never held " + done + " requests of 127.0.0.1:" + port + " (last " + last
                + ")");
    }

    /** Waits (60 s at most) until Prometheus has scraped the replica at a time after {@code unixSeconds}. */
    private static void scrapedAfter(LoopbackPrometheus prom, int port, double unixSeconds) throws Exception {
        String q = "timestamp(up{instance=\"127.0.0.1:" + port + "\"})";
        double last = Double.NaN;
        for (int i = 0; i < 600; i++) {
            last = prom.now(q);
            if (last > unixSeconds) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Prometheus did not scrape 127.0.0.1:" + port + " after " + unixSeconds + " (last "
                + last + ")");
    }

    private Process replica(int port, String py, String name, String... more) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "autoglm.cli.Main", "serve", "--model", "glm-tiny",
                "--port", Integer.toString(port), "--python", py));
        argv.addAll(List.of(more));
        return new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(work.resolve("serve-" + name + ".log").toFile()).start();
    }

    /**
     * Agent sessions of four steps against one replica (four sessions against one: 16 requests against 4, the 20
     * load-imbalance needs for full weight), no warm-up (the server would count it); the requests done.
     */
    private int load(int port, int sessions, String name, String... more) throws Exception {
        Path json = work.resolve("load-" + name + ".json");
        List<String> args = new ArrayList<>(List.of("load", "http://127.0.0.1:" + port, "--sessions",
                Integer.toString(sessions), "--steps", "4", "--image", "56x112", "--think-time", "50ms-150ms", "--warmup",
                "0", "--out", work.resolve("runs-" + name).toString(), "--format", "json", "-o", json.toString()));
        args.addAll(List.of(more));
        Run r = Run.of(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        JsonNode d = JSON.readTree(json.toFile());
        return d.get("metrics").get("load_completed").get("value").asInt();
    }

    static void waitFor(String url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 600; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError(url + " did not answer in 60 s");
    }
}
