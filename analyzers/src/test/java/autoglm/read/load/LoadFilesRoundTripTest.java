package autoglm.read.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadRequest;
import autoglm.util.BadInputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file of a load run (load.json, requests.csv, baseline.csv, server-metrics.csv, scrapes.csv) written and read
 * back through its one declaration (LoadJson, RequestRow, ServerMetricRow, ScrapeRow), on every run of testdata/load.
 * What was read is checked against the recorded files read without those declarations (Jackson's plain CSV and
 * JSON trees).
 */
class LoadFilesRoundTripTest {
    @TempDir
    Path tmp;

    private static List<Path> runs() throws IOException {
        try (Stream<Path> s = Files.list(Fixtures.root().resolve("testdata/load"))) {
            return s.filter(LoadFiles::present).sorted().toList();
        }
    }

    /** A CSV file's rows by column name, read with no row record. */
    static List<Map<String, String>> plain(Path file) throws IOException {
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            return it.readAll();
        }
    }

    private static Map<String, String> files(Path folder) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path f : s.toList()) {
                out.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        return out;
    }

    @Test
    void everyLoadRunWrittenAndReadBackIsTheSame() throws IOException {
        assertEquals(10, runs().size());
        for (Path run : runs()) {
            Map<String, Long> loss = new HashMap<>();
            LoadRecording first = LoadFiles.read(run, loss);
            assertEquals(Map.of(), loss, run.toString());
            Path a = Files.createDirectories(tmp.resolve(run.getFileName() + "-a"));
            Path b = Files.createDirectories(tmp.resolve(run.getFileName() + "-b"));
            LoadFiles.write(a, first);
            LoadRecording second = LoadFiles.read(a, loss);
            assertEquals(Map.of(), loss, run.toString());
            LoadFiles.write(b, second);
            assertEquals(files(a), files(b), run + ": the files written from what was read back");
            assertEquals(rows(first.requests()), rows(second.requests()), run.toString());
            assertEquals(rows(first.baseline()), rows(second.baseline()), run.toString());
            assertEquals(LoadJson.of(first), LoadJson.of(second), run.toString());
            assertEquals(first.scrapes(), second.scrapes(), run.toString());
            assertEquals(first.scrapeLog(), second.scrapeLog(), run.toString());

            // what was read, against the recorded files read without the declarations
            List<Map<String, String>> recorded = plain(run.resolve("requests.csv"));
            assertEquals(recorded.size(), first.requests().size(), run.toString());
            for (int i = 0; i < recorded.size(); i++) {
                Map<String, String> row = recorded.get(i);
                LoadRequest r = first.requests().get(i);
                assertEquals(Integer.parseInt(row.get("index")), r.index());
                assertEquals(num(row.get("sent_ms")), r.sentMs());
                assertEquals(num(row.get("first_token_ms")), r.firstMs());
                assertEquals(row.get("status"), r.status());
                assertEquals(row.get("prompt_tokens_est").isEmpty() ? -1 : Long.parseLong(row.get("prompt_tokens_est")),
                        r.promptTokensEst());
                String chunks = row.get("chunk_ms");
                assertEquals(chunks.isBlank() ? 0 : chunks.trim().split(" ").length, r.chunkMs().length);
            }
            long pages = plain(run.resolve("server-metrics.csv")).stream().map(m -> m.get("t_ms")).distinct().count();
            long scrapes = Files.exists(run.resolve("scrapes.csv")) ? plain(run.resolve("scrapes.csv")).stream()
                    .filter(m -> m.get("outcome").equals("ok")).count() : pages;
            assertEquals(scrapes, first.scrapes().size(), run.toString());
            JsonNode json = Fixtures.json().readTree(run.resolve("load.json").toFile());
            assertEquals(json.at("/settings/model").asText(), first.settings().model());
            assertEquals(json.at("/settings/concurrency").asInt(), first.settings().concurrency());
            assertEquals(json.at("/duration_ms").asDouble(), first.durationMs());
            assertEquals(json.at("/settings/slo_ms/ttft").isNull() ? Double.NaN : json.at("/settings/slo_ms/ttft")
                    .asDouble(), first.settings().sloTtftMs());
            assertEquals(json.at("/settings/timeout_ms").isMissingNode() || json.at("/settings/timeout_ms").isNull()
                    ? Double.NaN : json.at("/settings/timeout_ms").asDouble(), first.settings().timeoutMs());
        }
    }

    private static double num(String cell) {
        return cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
    }

    private static List<RequestRow> rows(List<LoadRequest> rs) {
        return rs.stream().map(RequestRow::of).toList();
    }

    @Test
    void aLoadJsonOfTodayIsWrittenBackByteForByte() throws IOException {
        // the one run whose load.json has every key of today (timeout_ms)
        Path run = Fixtures.root().resolve("testdata/load/synthetic-big-metrics-page");
        LoadFiles.write(tmp, LoadFiles.read(run, new HashMap<>()));
        assertEquals(Files.readString(run.resolve("load.json")), Files.readString(tmp.resolve("load.json")));
        assertEquals(Files.readString(run.resolve("server-metrics.csv")),
                Files.readString(tmp.resolve("server-metrics.csv")));
        assertEquals(Files.readString(run.resolve("scrapes.csv")), Files.readString(tmp.resolve("scrapes.csv")));
    }

    @Test
    void aRequestRowCutByAKillIsCountedAndTheOthersRead() throws IOException {
        Path run = copy("synthetic-big-metrics-page");
        String text = Files.readString(run.resolve("requests.csv"));
        int rows = (int) text.lines().count() - 1;
        int last = text.lastIndexOf('\n', text.length() - 2) + 1;
        Files.writeString(run.resolve("requests.csv"), text.substring(0, (last + text.length()) / 2)); // mid-row
        Map<String, Long> loss = new HashMap<>();
        LoadRecording r = LoadFiles.read(run, loss);
        assertEquals(rows - 1, r.requests().size());
        assertEquals(Map.of("requests.csv: unreadable rows", 1L), loss);
    }

    @Test
    void anUnknownKeyInLoadJsonIsRefusedOnOneLine() throws IOException {
        Path run = copy("agent-glm-tiny");
        ObjectNode o = (ObjectNode) Fixtures.json().readTree(run.resolve("load.json").toFile());
        ((ObjectNode) o.get("settings")).put("concurency", 4);
        Files.writeString(run.resolve("load.json"), o.toString());
        BadInputException e = assertThrows(BadInputException.class, () -> LoadFiles.read(run, new HashMap<>()));
        assertTrue(e.getMessage().contains("settings: unknown key 'concurency'"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aRequestsCsvWithoutAColumnIsRefused() throws IOException {
        Path run = copy("agent-glm-tiny");
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(run.resolve("requests.csv"))) {
            lines.add(l.substring(0, l.lastIndexOf(','))); // chunk_ms, the last column, left out
        }
        Files.write(run.resolve("requests.csv"), lines);
        BadInputException e = assertThrows(BadInputException.class, () -> LoadFiles.read(run, new HashMap<>()));
        assertTrue(e.getMessage().endsWith("requests.csv: header lacks chunk_ms"), e.getMessage());
    }

    private Path copy(String name) throws IOException {
        Path from = Fixtures.root().resolve("testdata/load").resolve(name);
        Path to = Files.createDirectories(tmp.resolve(name));
        try (Stream<Path> s = Files.list(from)) {
            for (Path f : s.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
