package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export --perfetto} of a load run (autoglm serve's glm-tiny under the agent load, testdata/load): each request
 * of requests.csv is one async slice from its send to its end on the wall clock (load.json's started_epoch_ms plus
 * the CSV's milliseconds), its first token nested in it, and the server's running batch is a counter track with one
 * value per scrape that carried it, the value server-metrics.csv holds. Expected values are the files' own.
 */
class ExportLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LOAD = Path.of("..", "testdata", "load", "agent-glm-tiny");

    @TempDir
    Path tmp;

    @Test
    void theRequestsAndTheServersBatchAreTracksOnTheWallClock() throws Exception {
        Path out = tmp.resolve("load.perfetto.json");
        Run r = Run.of("export", LOAD.toString(), "--perfetto", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode t = JSON.readTree(out.toFile());
        long origin = t.get("otherData").get("originNs").asLong();
        double epochMs = JSON.readTree(LOAD.resolve("load.json").toFile()).get("settings").get("started_epoch_ms")
                .asDouble();
        Map<String, double[]> spans = new HashMap<>();
        Map<String, double[]> first = new HashMap<>();
        List<Double> running = new ArrayList<>();
        for (JsonNode e : t.get("traceEvents")) {
            String ph = e.path("ph").asText();
            double ms = (origin / 1e6) + e.path("ts").asDouble() / 1000; // wall-clock ms
            if ("load_request".equals(e.path("cat").asText())) {
                Map<String, double[]> m = e.get("name").asText().equals("to first token") ? first : spans;
                double[] s = m.computeIfAbsent(e.get("id").asText(), k -> new double[] {Double.NaN, Double.NaN});
                s[ph.equals("b") ? 0 : 1] = ms;
            } else if ("C".equals(ph) && e.get("name").asText().equals("server: requests running (batch)")) {
                running.add(e.get("args").get("value").asDouble());
            }
        }
        List<String> lines = Files.readAllLines(LOAD.resolve("requests.csv"));
        List<String> h = List.of(lines.get(0).split(","));
        assertEquals(lines.size() - 1, spans.size(), "one slice per request");
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            String id = "load-" + c[h.indexOf("index")];
            double sent = epochMs + Double.parseDouble(c[h.indexOf("sent_ms")]);
            double end = epochMs + Double.parseDouble(c[h.indexOf("end_ms")]);
            double tok = epochMs + Double.parseDouble(c[h.indexOf("first_token_ms")]);
            assertEquals(sent, spans.get(id)[0], 0.002, id + " sent");
            assertEquals(end, spans.get(id)[1], 0.002, id + " end");
            assertEquals(sent, first.get(id)[0], 0.002, id + " waits for its first token from its send");
            assertEquals(tok, first.get(id)[1], 0.002, id + " first token");
        }
        // server-metrics.csv (docs/formats.md): a row where a series changed; a scrape without one kept its value
        List<Double> scraped = new ArrayList<>();
        String lastT = null;
        double value = Double.NaN;
        for (String line : Files.readAllLines(LOAD.resolve("server-metrics.csv")).stream().skip(1).toList()) {
            String tMs = line.substring(0, line.indexOf(','));
            if (lastT != null && !tMs.equals(lastT) && !Double.isNaN(value)) {
                scraped.add(value);
            }
            lastT = tMs;
            if (line.contains("vllm:num_requests_running{")) {
                value = Double.parseDouble(line.substring(line.lastIndexOf(',') + 1));
            }
        }
        scraped.add(value);
        assertTrue(!scraped.isEmpty(), "the recording has the running batch");
        assertEquals(scraped, running);
        assertTrue(r.err().contains((lines.size() - 1) + " load requests"), r.err());
    }
}
