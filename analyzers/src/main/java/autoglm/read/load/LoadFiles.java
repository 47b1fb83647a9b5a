package autoglm.read.load;

import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadRequest;
import autoglm.model.load.LoadSettings;
import autoglm.model.load.Scrape;
import autoglm.model.load.SeriesKey;
import autoglm.util.BadInputException;
import autoglm.util.SafeFiles;
import autoglm.util.SafeText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The files a load run adds to its run folder (docs/formats.md#load-runs): load.json (settings, duration, whether it
 * ran to the end, failed scrapes), requests.csv (one row per request, written by Tablesaw) and server-metrics.csv
 * ({@code t_ms,series,value}: every series at the first and the last scrape, and in between a row only where a
 * series changed; a series without a row at a scrape kept its value) and scrapes.csv ({@link ScrapeLogFile}: every
 * scrape, with its cost, so that a page that changed nothing is still counted). Both directions live here so they
 * cannot drift.
 */
public final class LoadFiles {
    public static final String LOAD_JSON = "load.json";
    public static final String REQUESTS = "requests.csv";
    public static final String SERVER_METRICS = "server-metrics.csv";
    /** The unloaded baseline's requests (load --baseline), in requests.csv's columns; absent when none was sent. */
    public static final String BASELINE = "baseline.csv";
    public static final int SCHEMA = 1;
    /** The columns every requests.csv has: a run folder lacking one is refused. */
    public static final List<String> COLUMNS = List.of("index", "session", "step", "warmup", "scheduled_ms", "sent_ms",
            "first_token_ms", "thinking_end_ms", "end_ms", "prompt_tokens", "completion_tokens", "tokens_estimated",
            "cached_tokens", "image_tokens_est", "repeated_prefix_tokens_est", "prompt_tokens_est", "status",
            "http_status", "error", "ttft_ms", "tpot_ms", "e2el_ms", "client_wait_ms", "chunk_ms");
    /**
     * Written since TTFT is vLLM's bench serve's (the first chunk with choices): the first chunk that carried text and
     * how many did. A requests.csv without them is older: its chunk_ms holds only the chunks that carried text, so
     * first_text_ms reads as first_token_ms and text_chunks as chunk_ms's count (docs/formats.md).
     */
    public static final List<String> TEXT_COLUMNS = List.of("first_text_ms", "text_chunks");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);

    private LoadFiles() {
    }

    public static boolean present(Path folder) {
        return Files.isRegularFile(folder.resolve(LOAD_JSON));
    }

    // ---- writing ----

    public static void write(Path folder, LoadRecording r) throws IOException {
        SafeFiles.write(folder.resolve(LOAD_JSON), out -> JSON.writeValue(out, loadJson(r)));
        SafeFiles.write(folder.resolve(REQUESTS), out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            table(r.requests()).write().csv(new java.io.FilterWriter(w) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            });
            w.flush();
        });
        if (!r.baseline().isEmpty()) {
            SafeFiles.write(folder.resolve(BASELINE), out -> {
                Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
                table(r.baseline()).write().csv(new java.io.FilterWriter(w) {
                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                });
                w.flush();
            });
        }
        ScrapeLogFile.write(folder, r.scrapeLog());
        SafeFiles.write(folder.resolve(SERVER_METRICS), out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.write("t_ms,series,value\n");
            Map<String, Double> previous = new java.util.HashMap<>();
            List<Scrape> all = r.scrapes();
            for (int i = 0; i < all.size(); i++) {
                Scrape s = all.get(i);
                String t = String.format(Locale.ROOT, "%.3f", s.tMs());
                boolean edge = i == 0 || i == all.size() - 1;
                Map<String, Double> page = new TreeMap<>();
                s.samples().forEach((k, v) -> page.put(k.text(), v));
                for (Map.Entry<String, Double> e : page.entrySet()) {
                    Double before = previous.put(e.getKey(), e.getValue());
                    if (edge || before == null || Double.compare(before, e.getValue()) != 0) {
                        w.write(t + "," + autoglm.util.Csv.text(e.getKey()) + "," + number(e.getValue()) + "\n");
                    }
                }
            }
            w.flush();
        });
    }

    private static ObjectNode loadJson(LoadRecording r) {
        LoadSettings s = r.settings();
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", SCHEMA);
        ObjectNode st = o.putObject("settings");
        st.put("url", s.url());
        st.put("model", s.model());
        st.put("api", s.api());
        st.put("workload", s.workload());
        st.put("profile", s.profile());
        putNumber(st, "target_rate", s.targetRate());
        st.put("concurrency", s.concurrency());
        st.put("burstiness", s.burstiness());
        st.put("sessions", s.sessions());
        st.put("steps", s.steps());
        st.put("seed", s.seed());
        st.put("warmup", s.warmup());
        st.put("image_width", s.imageWidth());
        st.put("image_height", s.imageHeight());
        ObjectNode slo = st.putObject("slo_ms");
        putNumber(slo, "ttft", s.sloTtftMs());
        putNumber(slo, "tpot", s.sloTpotMs());
        putNumber(slo, "e2el", s.sloE2elMs());
        putNumber(st, "timeout_ms", s.timeoutMs());
        st.put("metrics_url", s.metricsUrl());
        ArrayNode cmd = st.putArray("serve_command");
        s.serveCommand().forEach(cmd::add);
        st.put("started_epoch_ms", s.startedEpochMs());
        o.put("duration_ms", r.durationMs());
        o.put("complete", r.complete());
        ObjectNode errors = o.putObject("scrape_errors");
        r.scrapeErrors().forEach(errors::put);
        return o;
    }

    private static void putNumber(ObjectNode o, String k, double v) {
        if (Double.isNaN(v)) {
            o.putNull(k);
        } else {
            o.put(k, v);
        }
    }

    /** The per-request table: typed columns, missing where a value does not exist (NaN, unknown counts). */
    public static Table table(List<LoadRequest> rs) {
        IntColumn index = IntColumn.create("index");
        IntColumn session = IntColumn.create("session");
        IntColumn step = IntColumn.create("step");
        BooleanColumn warmup = BooleanColumn.create("warmup");
        DoubleColumn scheduled = DoubleColumn.create("scheduled_ms");
        DoubleColumn sent = DoubleColumn.create("sent_ms");
        DoubleColumn first = DoubleColumn.create("first_token_ms");
        DoubleColumn firstText = DoubleColumn.create("first_text_ms");
        DoubleColumn thinking = DoubleColumn.create("thinking_end_ms");
        DoubleColumn end = DoubleColumn.create("end_ms");
        LongColumn prompt = LongColumn.create("prompt_tokens");
        LongColumn completion = LongColumn.create("completion_tokens");
        BooleanColumn estimated = BooleanColumn.create("tokens_estimated");
        LongColumn cached = LongColumn.create("cached_tokens");
        LongColumn image = LongColumn.create("image_tokens_est");
        LongColumn repeated = LongColumn.create("repeated_prefix_tokens_est");
        LongColumn promptEst = LongColumn.create("prompt_tokens_est");
        StringColumn status = StringColumn.create("status");
        IntColumn http = IntColumn.create("http_status");
        StringColumn error = StringColumn.create("error");
        DoubleColumn ttft = DoubleColumn.create("ttft_ms");
        DoubleColumn tpot = DoubleColumn.create("tpot_ms");
        DoubleColumn e2el = DoubleColumn.create("e2el_ms");
        DoubleColumn wait = DoubleColumn.create("client_wait_ms");
        StringColumn chunks = StringColumn.create("chunk_ms");
        IntColumn textChunks = IntColumn.create("text_chunks");
        StringColumn refused = StringColumn.create("usage_refused");
        for (LoadRequest r : rs) {
            index.append(r.index());
            session.append(r.session());
            step.append(r.step());
            warmup.append(r.warmup());
            put(scheduled, r.scheduledMs());
            put(sent, r.sentMs());
            put(first, r.firstMs());
            put(firstText, r.firstTextMs());
            put(thinking, r.thinkingEndMs());
            put(end, r.endMs());
            put(prompt, r.promptTokens());
            put(completion, r.completionTokens());
            estimated.append(r.estimatedTokens());
            put(cached, r.cachedTokens());
            put(image, r.imageTokens());
            put(repeated, r.repeatedPrefixTokens());
            put(promptEst, r.promptTokensEst());
            status.append(cell(r.status()));
            http.append(r.httpStatus());
            error.append(r.error() == null ? "" : cell(r.error()));
            put(ttft, r.ttftMs());
            put(tpot, r.tpotMs());
            put(e2el, r.e2elMs());
            put(wait, r.clientWaitMs());
            StringBuilder b = new StringBuilder();
            for (double c : r.chunkMs()) {
                if (b.length() > 0) {
                    b.append(' ');
                }
                b.append(String.format(Locale.ROOT, "%.3f", c));
            }
            chunks.append(b.toString());
            textChunks.append(r.textChunks());
            refused.append(r.usageRefused() == null ? "" : cell(r.usageRefused()));
        }
        return Table.create("requests", index, session, step, warmup, scheduled, sent, first, firstText, thinking, end,
                prompt, completion, estimated, cached, image, repeated, promptEst, status, http, error, ttft, tpot, e2el,
                wait, chunks, textChunks, refused);
    }

    private static void put(DoubleColumn c, double v) {
        if (Double.isNaN(v)) {
            c.appendMissing();
        } else {
            c.append(v);
        }
    }

    private static void put(LongColumn c, long v) {
        if (v < 0) {
            c.appendMissing();
        } else {
            c.append(v);
        }
    }

    /** Server text in a cell: one line, and never read as a formula by a spreadsheet. */
    static String cell(String s) {
        String one = SafeText.oneLine(s);
        return !one.isEmpty() && "=+-@".indexOf(one.charAt(0)) >= 0 ? "'" + one : one;
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? (v > 0 ? "+Inf" : "-Inf") : Double.toString(v);
    }

    // ---- reading ----

    /** Reads a load run back; rows that cannot be read are counted in {@code loss}, never fatal. */
    public static LoadRecording read(Path folder, Map<String, Long> loss) {
        Path json = folder.resolve(LOAD_JSON);
        JsonNode o;
        try {
            o = new ObjectMapper().readTree(json.toFile());
        } catch (IOException e) {
            throw new BadInputException(json + ": cannot be read: " + SafeText.oneLine(String.valueOf(e.getMessage())));
        }
        if (o == null || !o.isObject() || o.path("schema").asInt() != SCHEMA || !o.path("settings").isObject()) {
            throw new BadInputException(json + ": not a load.json of schema " + SCHEMA);
        }
        JsonNode s = o.get("settings");
        List<String> cmd = new ArrayList<>();
        s.path("serve_command").forEach(n -> cmd.add(n.asText()));
        LoadSettings settings = new LoadSettings(s.path("url").asText(""), s.path("model").asText(""),
                s.path("api").asText("chat"), s.path("workload").asText(""), s.path("profile").asText(""),
                num(s.get("target_rate")), s.path("concurrency").asInt(), s.path("burstiness").asDouble(1),
                s.path("sessions").asInt(), s.path("steps").asInt(), s.path("seed").asLong(), s.path("warmup").asInt(),
                s.path("image_width").asInt(), s.path("image_height").asInt(), num(s.path("slo_ms").get("ttft")),
                num(s.path("slo_ms").get("tpot")), num(s.path("slo_ms").get("e2el")), s.path("metrics_url").asText(""),
                cmd, s.path("started_epoch_ms").asLong(), num(s.get("timeout_ms")));
        Map<String, Long> scrapeErrors = new LinkedHashMap<>();
        o.path("scrape_errors").fields().forEachRemaining(e -> scrapeErrors.put(e.getKey(), e.getValue().asLong()));
        List<autoglm.model.load.ScrapeAttempt> log = ScrapeLogFile.read(folder, loss);
        return new LoadRecording(settings, requests(folder.resolve(REQUESTS), loss), ScrapeLogFile.fill(scrapes(
                folder.resolve(SERVER_METRICS), loss), log), scrapeErrors, o.path("duration_ms").asDouble(Double.NaN),
                o.path("complete").asBoolean(false), requests(folder.resolve(BASELINE), loss), log);
    }

    private static double num(JsonNode n) {
        return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
    }

    private static List<LoadRequest> requests(Path file, Map<String, Long> loss) {
        List<LoadRequest> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String h = r.readLine();
            List<String> header = autoglm.util.Csv.split(h == null ? "" : h);
            Map<String, Integer> ix = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                ix.put(header.get(i), i);
            }
            for (String c : COLUMNS) {
                if (!ix.containsKey(c)) {
                    throw new BadInputException(file + ": no column " + c);
                }
            }
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                try {
                    out.add(row(autoglm.util.Csv.split(line), ix));
                } catch (RuntimeException e) {
                    loss.merge("requests.csv: unreadable rows", 1L, Long::sum);
                }
            }
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be read: " + SafeText.oneLine(String.valueOf(e.getMessage())));
        }
        return out;
    }

    private static LoadRequest row(List<String> f, Map<String, Integer> ix) {
        String chunkText = f.get(ix.get("chunk_ms"));
        double[] chunks = chunkText.isBlank() ? new double[0]
                : java.util.Arrays.stream(chunkText.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
        String error = f.get(ix.get("error"));
        boolean older = !ix.keySet().containsAll(TEXT_COLUMNS); // its chunks all carried text
        double first = d(f, ix, "first_token_ms");
        return new LoadRequest(i(f, ix, "index"), i(f, ix, "session"), i(f, ix, "step"),
                Boolean.parseBoolean(f.get(ix.get("warmup"))), d(f, ix, "scheduled_ms"), d(f, ix, "sent_ms"),
                first, older ? first : d(f, ix, "first_text_ms"), d(f, ix, "thinking_end_ms"), d(f, ix, "end_ms"),
                l(f, ix, "prompt_tokens"), l(f, ix, "completion_tokens"),
                Boolean.parseBoolean(f.get(ix.get("tokens_estimated"))), l(f, ix, "cached_tokens"),
                l(f, ix, "image_tokens_est"), l(f, ix, "repeated_prefix_tokens_est"), l(f, ix, "prompt_tokens_est"),
                f.get(ix.get("status")), i(f, ix, "http_status"), error.isEmpty() ? null : error, chunks,
                older ? chunks.length : i(f, ix, "text_chunks"))
                .withUsageRefused(ix.containsKey("usage_refused") ? f.get(ix.get("usage_refused")) : null);
    }

    private static int i(List<String> f, Map<String, Integer> ix, String c) {
        return Integer.parseInt(f.get(ix.get(c)));
    }

    private static long l(List<String> f, Map<String, Integer> ix, String c) {
        String v = f.get(ix.get(c));
        return v.isEmpty() ? -1 : Long.parseLong(v);
    }

    private static double d(List<String> f, Map<String, Integer> ix, String c) {
        String v = f.get(ix.get(c));
        return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    private static List<Scrape> scrapes(Path file, Map<String, Long> loss) {
        List<Scrape> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            r.readLine();
            String line;
            String t = null;
            Map<SeriesKey, Double> series = new LinkedHashMap<>();
            Map<String, SeriesKey> keys = new java.util.HashMap<>();
            while ((line = r.readLine()) != null) {
                List<String> f;
                double v;
                SeriesKey key;
                try {
                    f = autoglm.util.Csv.split(line);
                    v = Double.parseDouble(f.get(2).replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
                    Double.parseDouble(f.get(0));
                    key = keys.computeIfAbsent(f.get(1), LoadFiles::seriesKey);
                } catch (RuntimeException e) {
                    loss.merge("server-metrics.csv: unreadable rows", 1L, Long::sum);
                    continue;
                }
                if (t != null && !t.equals(f.get(0))) {
                    out.add(new Scrape(Double.parseDouble(t), series));
                    series = new LinkedHashMap<>(series); // a series without a row at a scrape kept its value
                }
                t = f.get(0);
                series.put(key, v);
            }
            if (t != null) {
                out.add(new Scrape(Double.parseDouble(t), series));
            }
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be read: " + SafeText.oneLine(String.valueOf(e.getMessage())));
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
