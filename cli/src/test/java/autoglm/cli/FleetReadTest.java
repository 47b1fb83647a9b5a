package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.analyse.Metrics;
import autoglm.analyse.ServerMetricsAnalysis;
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
 * given four agent sessions and the other one, scraped every second by Debian's Prometheus; their series read back
 * through its HTTP API (query_range) by instance must count the requests each load completed, and the analysis of
 * the load's own scrapes runs on them.
 */
class FleetReadTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void eachReplicaCountsTheRequestsItsLoadCompleted() throws Exception {
        Path prometheus = PrometheusScrapeTest.prometheus();
        String py = LoadServeTest.python();
        int a = LoadServeTest.freePort();
        int b = LoadServeTest.freePort();
        int web = LoadServeTest.freePort();
        List<Process> started = new ArrayList<>();
        try {
            started.add(replica(a, py, "a"));
            started.add(replica(b, py, "b"));
            Files.writeString(tmp.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\nscrape_configs:\n"
                    + "  - job_name: fleet\n    static_configs:\n      - targets: ['127.0.0.1:" + a + "', '127.0.0.1:"
                    + b + "']\n");
            started.add(new ProcessBuilder(prometheus.toString(), "--config.file=" + tmp.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + web)
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start());
            waitFor("http://127.0.0.1:" + a + "/metrics");
            waitFor("http://127.0.0.1:" + b + "/metrics");
            waitFor("http://127.0.0.1:" + web + "/-/ready");
            double startMs = System.currentTimeMillis();
            Thread.sleep(2000); // a scrape of each before the load
            int doneA = load(a, 4, "a");
            int doneB = load(b, 1, "b");
            Thread.sleep(3000); // a scrape of each after it
            double endMs = System.currentTimeMillis();

            PrometheusApi api = new PrometheusApi("http://127.0.0.1:" + web);
            List<FleetReader.Instance> fleet = FleetReader.servers(api, "{job=\"fleet\"}", startMs, endMs, 1000);
            assertEquals(2, fleet.size(), fleet.toString());
            int[] done = {doneA, doneB};
            int[] ports = {a, b};
            for (FleetReader.Instance in : fleet) {
                int which = in.instance().equals("127.0.0.1:" + a) ? 0 : 1;
                assertEquals("127.0.0.1:" + ports[which], in.instance());
                assertEquals("fleet", in.job());
                List<Scrape> pages = in.scrapes();
                assertTrue(pages.size() >= 5, in.instance() + ": " + pages.size() + " pages");
                String count = "vllm:e2e_request_latency_seconds_count{model_name=\"glm-tiny\"}";
                double first = pages.get(0).series().getOrDefault(count, 0.0);
                double last = pages.get(pages.size() - 1).series().get(count);
                assertEquals(done[which], last - first, in.instance() + ": requests counted in Prometheus");
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
        } finally {
            for (Process p : started) {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Process replica(int port, String py, String name) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "autoglm.cli.Main", "serve", "--model", "glm-tiny", "--port",
                Integer.toString(port), "--python", py).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("serve-" + name + ".log").toFile()).start();
    }

    /** Agent sessions of two steps against one replica, no warm-up (the server would count it); the requests done. */
    private int load(int port, int sessions, String name) throws Exception {
        Path json = tmp.resolve("load-" + name + ".json");
        Run r = Run.of("load", "http://127.0.0.1:" + port, "--sessions", Integer.toString(sessions), "--steps", "2",
                "--image", "56x112", "--think-time", "50ms-150ms", "--warmup", "0", "--out", tmp.resolve("runs-" + name).toString(),
                "--format", "json", "-o", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode d = JSON.readTree(json.toFile());
        return d.get("metrics").get("load_completed").get("value").asInt();
    }

    private static void waitFor(String url) throws Exception {
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
