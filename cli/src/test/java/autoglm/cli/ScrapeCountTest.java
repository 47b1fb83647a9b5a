package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.LoopbackHttp;
import autoglm.analyse.load.ServerSeriesNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 32, "the summary's 'N scrapes' is wrong when the page does not change (2 shown for 9)": server-metrics.csv
 * has rows only where a series changed, so pages that repeated the one before were lost when the run was read back.
 * The servers count what they served: a page that never changes (vLLM's documented page, testdata/prometheus, served
 * as it is by a loopback server that counts its answers), and the engine emulator's page while the load leaves the
 * server idle (its truth log has every /metrics answer; only the series the analyses read are kept, and those stand
 * still between requests). The summary counts as many scrapes as were served.
 */
class ScrapeCountTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Run load(String url, String metrics, Path json) {
        // one request every 2 s, each done in tens of ms: the server is idle between them for several 500 ms scrapes,
        // so its read series stand still from one to the next however late a busy machine takes them
        return Run.of("load", url, "--out", tmp.resolve("runs").toString(), "--metrics-url", metrics, "--workload",
                "synthetic", "--requests", "3", "--profile", "constant:0.5", "--input-len", "32", "--output-len", "8",
                "--warmup", "0", "--baseline", "0", "--format", "json", "-o", json.toString());
    }

    private void summaryCounts(int served) throws Exception {
        Path run;
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            run = s.findFirst().orElseThrow();
        }
        Run text = Run.of("diagnose", run.toString());
        assertTrue(text.out().contains(", " + served + " scrapes)"), text.out());
    }

    @Test
    void aPageThatNeverChangesIsCountedEveryTime() throws Exception {
        byte[] page = Files.readAllBytes(autoglm.Fixtures.root().resolve("testdata/prometheus/vllm-docs-example.txt"));
        try (Emulator emu = Emulator.start(tmp.resolve("emu"), "vllm", List.of("--scenario", "healthy",
                "--no-step-log")); LoopbackHttp h = LoopbackHttp.keepAlive()) {
            h.on("/metrics", (req, out) -> {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: "
                        + page.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(page);
            });
            Path json = tmp.resolve("out.json");
            Run r = load(emu.url(), h.url() + "/metrics", json);
            assertEquals(0, r.code(), r.err());
            int served = h.whole("/metrics");
            assertTrue(served >= 3, "three scrapes at least: " + served);
            JsonNode m = JSON.readTree(json.toFile()).get("metrics");
            assertEquals(served, m.get("server_scrapes").get("value").asInt(), m.get("server_scrapes").toString());
            summaryCounts(served);
        }
    }

    /** The series of a served page that an analysis reads, by their text. */
    private static Map<String, String> read(JsonNode scrape) {
        Map<String, String> out = new TreeMap<>();
        scrape.get("series").fields().forEachRemaining(e -> {
            if (ServerSeriesNames.uses(e.getKey().split("\\{", 2)[0])) {
                out.put(e.getKey(), e.getValue().asText());
            }
        });
        return out;
    }

    @Test
    void anEnginesPageWhoseReadSeriesStandStillIsCountedEveryTime() throws Exception {
        try (Emulator emu = Emulator.start(tmp.resolve("emu"), "vllm", List.of("--scenario", "healthy",
                "--no-step-log"))) {
            Path json = tmp.resolve("out.json");
            Run r = load(emu.url(), emu.url() + "/metrics", json);
            assertEquals(0, r.code(), r.err());
            List<JsonNode> served = emu.truth("scrape").stream().filter(s -> s.get("status").asInt() == 200).toList();
            int repeats = 0;
            for (int i = 1; i < served.size(); i++) {
                repeats += read(served.get(i)).equals(read(served.get(i - 1))) ? 1 : 0;
            }
            assertTrue(repeats >= 1, "the case needs a page whose read series repeat the one before: " + served.size());
            JsonNode m = JSON.readTree(json.toFile()).get("metrics");
            assertEquals(served.size(), m.get("server_scrapes").get("value").asInt(), m.get("server_scrapes").toString());
            summaryCounts(served.size());
        }
    }
}
