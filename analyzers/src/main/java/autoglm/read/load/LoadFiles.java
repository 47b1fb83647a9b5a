package autoglm.read.load;

import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadRequest;
import autoglm.model.load.Scrape;
import autoglm.model.load.ScrapeAttempt;
import autoglm.model.load.SeriesKey;
import autoglm.util.BadInputException;
import autoglm.util.CsvFile;
import autoglm.util.SafeFiles;
import autoglm.util.SafeText;
import autoglm.util.StrictBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files a load run adds to its run folder (docs/formats.md#load-runs): load.json (settings, duration, whether it
 * ran to the end, failed scrapes), requests.csv (one row per request, {@link RequestRow}) and server-metrics.csv
 * ({@link ServerMetricRow}: every series at the first and the last scrape, and in between a row only where a
 * series changed; a series without a row at a scrape kept its value) and scrapes.csv ({@link ScrapeLogFile}: every
 * scrape, with its cost, so that a page that changed nothing is still counted). load.json is {@link LoadJson}. Each
 * file is one record that both directions use (autoglm.util.CsvFile for the CSV), so they cannot drift.
 */
public final class LoadFiles {
    public static final String LOAD_JSON = "load.json";
    public static final String REQUESTS = "requests.csv";
    public static final String SERVER_METRICS = "server-metrics.csv";
    /** The unloaded baseline's requests (load --baseline), in requests.csv's columns; absent when none was sent. */
    public static final String BASELINE = "baseline.csv";
    public static final int SCHEMA = LoadJson.SCHEMA;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);

    private LoadFiles() {
    }

    public static boolean present(Path folder) {
        return Files.isRegularFile(folder.resolve(LOAD_JSON));
    }

    // ---- writing ----

    public static void write(Path folder, LoadRecording r) throws IOException {
        SafeFiles.write(folder.resolve(LOAD_JSON), out -> JSON.writeValue(out, LoadJson.of(r)));
        writeRequests(folder.resolve(REQUESTS), r.requests());
        if (!r.baseline().isEmpty()) {
            writeRequests(folder.resolve(BASELINE), r.baseline());
        }
        ScrapeLogFile.write(folder, r.scrapeLog());
        List<ServerMetricRow> rows = new ArrayList<>();
        Map<String, Double> previous = new HashMap<>();
        List<Scrape> all = r.scrapes();
        for (int i = 0; i < all.size(); i++) {
            Scrape s = all.get(i);
            boolean edge = i == 0 || i == all.size() - 1;
            Map<String, Double> page = new TreeMap<>();
            s.samples().forEach((k, v) -> page.put(k.text(), v));
            for (Map.Entry<String, Double> e : page.entrySet()) {
                Double before = previous.put(e.getKey(), e.getValue());
                if (edge || before == null || Double.compare(before, e.getValue()) != 0) {
                    rows.add(new ServerMetricRow(s.tMs(), e.getKey(), e.getValue()));
                }
            }
        }
        SafeFiles.write(folder.resolve(SERVER_METRICS), out -> CsvFile.write(ServerMetricRow.class, rows, writer(out)));
    }

    private static void writeRequests(Path file, List<LoadRequest> requests) throws IOException {
        SafeFiles.write(file, out -> CsvFile.write(RequestRow.class, requests.stream().map(RequestRow::of).toList(),
                writer(out)));
    }

    private static Writer writer(OutputStream out) {
        return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    }

    // ---- reading ----

    /** Reads a load run back; rows that cannot be read are counted in {@code loss}, never fatal. */
    public static LoadRecording read(Path folder, Map<String, Long> loss) {
        return read(folder, loadJson(folder), loss);
    }

    /** The same with its load.json already read ({@link #loadJson}). */
    public static LoadRecording read(Path folder, LoadJson o, Map<String, Long> loss) {
        List<ScrapeAttempt> log = ScrapeLogFile.read(folder, loss);
        return new LoadRecording(o.toSettings(), requests(folder.resolve(REQUESTS), REQUESTS, loss),
                ScrapeLogFile.fill(scrapes(folder.resolve(SERVER_METRICS), loss), log), o.toScrapeErrors(),
                o.toDurationMs(), o.toComplete(), requests(folder.resolve(BASELINE), BASELINE, loss), log);
    }

    /**
     * {@code folder}'s load.json bound strictly: unreadable, of another schema, with an unknown key or a value of the
     * wrong type, it is bad input (one line).
     */
    public static LoadJson loadJson(Path folder) {
        Path json = folder.resolve(LOAD_JSON);
        JsonNode o;
        try {
            autoglm.util.InputFiles.requireRegular(json.toString(), json);
            o = JSON.readTree(json.toFile());
        } catch (IOException e) {
            throw new BadInputException(json + ": cannot be read: " + SafeText.oneLine(String.valueOf(e.getMessage())));
        }
        if (o == null || !o.isObject() || o.path("schema").asInt() != SCHEMA || !o.path("settings").isObject()) {
            throw new BadInputException(json + ": not a load.json of schema " + SCHEMA);
        }
        try {
            return StrictBinding.bind(o, LoadJson.class);
        } catch (StrictBinding.Problem p) {
            throw new BadInputException(json + ": " + p.located());
        }
    }

    private static List<LoadRequest> requests(Path file, String name, Map<String, Long> loss) {
        CsvFile.Rows<RequestRow> rows = CsvFile.read(file, RequestRow.class, RequestRow.REQUIRED, name, loss);
        boolean older = !rows.header().containsAll(RequestRow.TEXT_COLUMNS); // its chunks all carried text
        List<LoadRequest> out = new ArrayList<>(rows.rows().size());
        for (RequestRow r : rows.rows()) {
            try {
                out.add(r.request(older));
            } catch (RuntimeException e) {
                loss.merge(name + ": unreadable rows", 1L, Long::sum);
            }
        }
        return out;
    }

    private static List<Scrape> scrapes(Path file, Map<String, Long> loss) {
        List<Scrape> out = new ArrayList<>();
        Double t = null;
        Map<SeriesKey, Double> series = new LinkedHashMap<>();
        Map<String, SeriesKey> keys = new HashMap<>();
        for (ServerMetricRow row : CsvFile.read(file, ServerMetricRow.class, List.of(), SERVER_METRICS, loss).rows()) {
            SeriesKey key;
            try {
                key = keys.computeIfAbsent(row.series(), LoadFiles::seriesKey);
            } catch (RuntimeException e) {
                loss.merge(SERVER_METRICS + ": unreadable rows", 1L, Long::sum);
                continue;
            }
            if (t != null && t != row.tMs()) {
                out.add(new Scrape(t, series));
                series = new LinkedHashMap<>(series); // a series without a row at a scrape kept its value
            }
            t = row.tMs();
            series.put(key, row.value());
        }
        if (t != null) {
            out.add(new Scrape(t, series));
        }
        return out;
    }

    /** A series as server-metrics.csv names it, name{label="value",...}, parsed once per distinct text. */
    private static SeriesKey seriesKey(String text) {
        autoglm.read.prometheus.Exposition.Page p = autoglm.read.prometheus.Exposition.parse(text + " 0\n");
        if (p.families().isEmpty() || p.families().get(0).samples().isEmpty()) {
            throw new IllegalArgumentException("not a series: " + text);
        }
        autoglm.read.prometheus.Exposition.Sample x = p.families().get(0).samples().get(0);
        return SeriesKey.of(x.name(), x.labels());
    }
}
