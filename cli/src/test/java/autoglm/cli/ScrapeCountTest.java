package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.analyse.ServerSeriesNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 32, "the summary's 'N scrapes' is wrong when the page does not change (2 shown for 9)": server-metrics.csv
 * has rows only where a series changed, so pages that repeated the one before were lost when the run was read back.
 * The engine emulator logs every /metrics answer it served (its truth log): the summary counts as many, also when the
 * load leaves the server idle between requests, its page unchanged.
 */
class ScrapeCountTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** The series of a served page that an analysis reads, by their text. */
    private static Map<String, String> read(JsonNode scrape) {
        Map<String, String> out = new TreeMap<>();
        scrape.get("series").fields().forEachRemaining(e -> {
            String name = e.getKey().split("\\{", 2)[0];
            if (ServerSeriesNames.uses(name)) {
                out.put(e.getKey(), e.getValue().asText());
            }
        });
        return out;
    }

    @Test
    void everyPageServedIsCountedAlsoWhenItRepeatsTheOneBefore() throws Exception {
        try (Emulator emu = Emulator.start(tmp.resolve("emu"), "vllm", List.of("--scenario", "healthy",
                "--no-step-log"))) {
            Path json = tmp.resolve("out.json");
            // one request a second, each done in tens of ms: the page stands still between them
            Run r = Run.of("load", emu.url(), "--out", tmp.resolve("runs").toString(), "--workload", "synthetic",
                    "--requests", "3", "--profile", "constant:1", "--input-len", "32", "--output-len", "8",
                    "--warmup", "0", "--baseline", "0", "--format", "json", "-o", json.toString());
            assertEquals(0, r.code(), r.err());
            List<JsonNode> served = emu.truth("scrape").stream().filter(s -> s.get("status").asInt() == 200).toList();
            int repeats = 0;
            for (int i = 1; i < served.size(); i++) {
                repeats += read(served.get(i)).equals(read(served.get(i - 1))) ? 1 : 0;
            }
            assertTrue(repeats >= 1, "the case needs a page that repeats the one before: " + served.size());
            JsonNode m = JSON.readTree(json.toFile()).get("metrics");
            assertEquals(served.size(), m.get("server_scrapes").get("value").asInt(), m.get("server_scrapes").toString());
            Run text = Run.of("diagnose", java.nio.file.Files.list(tmp.resolve("runs")).findFirst().orElseThrow()
                    .toString());
            assertTrue(text.out().contains(", " + served.size() + " scrapes)"), text.out());
        }
    }
}
