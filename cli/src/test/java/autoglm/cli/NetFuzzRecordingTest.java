package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import autoglm.loopback.HttpBytes;
import autoglm.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/netfuzz_record.py re-run (with this suite's classes as autoglm): what the engine emulators and Debian's
 * Prometheus answer today has the shape of the committed testdata/netfuzz answers NetFuzzTest mutates (status lines,
 * header names, the fields of every streamed event, the series on each page, the queries and each answer's series
 * and points). Ids, dates and timings differ from run to run; the shape does not.
 */
class NetFuzzRecordingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void theRecorderStillRecordsWhatIsCommitted() throws Exception {
        PrometheusScrapeTest.tool("promtool");
        PrometheusScrapeTest.tool("prometheus");
        Path out = tmp.resolve("netfuzz");
        ProcessBuilder pb = new ProcessBuilder("python3", Fixtures.root().resolve("tools/netfuzz_record.py").toString(),
                out.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("record.log").toFile());
        pb.environment().put("AUTOGLM_CMD", Path.of(System.getProperty("java.home"), "bin", "java") + " -cp "
                + System.getProperty("java.class.path") + " autoglm.cli.Main");
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("record.log")));
        Path committed = Fixtures.root().resolve("testdata/netfuzz");
        for (String engine : List.of("vllm", "sglang", "tgi", "llamacpp")) {
            for (String file : List.of("models.http", "stream.http", "metrics.http")) {
                Path rel = Path.of("engines", engine, file);
                assertEquals(shape(committed.resolve(rel), file), shape(out.resolve(rel), file), rel.toString());
            }
        }
        Path prom = Path.of("prometheus", "queries.json");
        JsonNode want = JSON.readTree(committed.resolve(prom).toFile());
        JsonNode got = JSON.readTree(out.resolve(prom).toFile());
        assertEquals(want, got, "the queries and the window");
        for (JsonNode a : want.get("answers")) {
            Path rel = Path.of("prometheus", a.get("file").asText());
            assertEquals(matrixShape(committed.resolve(rel)), matrixShape(out.resolve(rel)), rel.toString());
        }
    }

    /** Status line, header names (not the framing's or the date's), and the body's shape for its kind. */
    private static List<String> shape(Path p, String file) throws Exception {
        HttpBytes.Recorded r = HttpBytes.Recorded.read(p);
        List<String> s = new ArrayList<>();
        s.add(r.status());
        for (String[] h : r.headers()) {
            String name = h[0].toLowerCase(Locale.ROOT);
            if (!name.equals("date")) {
                s.add("header " + name);
            }
        }
        String body = new String(r.body(), StandardCharsets.UTF_8);
        switch (file) {
            case "stream.http" -> {
                for (String line : body.split("\n")) {
                    if (line.startsWith("data: {")) {
                        s.add("data " + keys(JSON.readTree(line.substring(6))));
                    } else if (!line.isBlank()) {
                        s.add(line.contains(":") ? line.substring(0, line.indexOf(':') + 1) + " " + (line.contains("[DONE]")
                                ? "[DONE]" : "") : line);
                    }
                }
            }
            case "models.http" -> s.add(keys(JSON.readTree(body)));
            default -> {
                Set<String> names = new TreeSet<>();
                for (String line : body.split("\n")) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
                        names.add(line.substring(0, end));
                    }
                }
                s.add("series " + names);
            }
        }
        return s;
    }

    /** The field names of a JSON value, recursively (the first element of each array stands for the rest). */
    private static String keys(JsonNode n) {
        if (n.isObject()) {
            StringBuilder b = new StringBuilder("{");
            for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
                String k = it.next();
                b.append(k).append(':').append(keys(n.get(k))).append(',');
            }
            return b.append('}').toString();
        }
        if (n.isArray()) {
            return "[" + (n.size() > 0 ? keys(n.get(0)) : "") + "]";
        }
        return n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** Each series of a query_range answer (its labels) and its number of points. */
    private static TreeMap<String, Integer> matrixShape(Path p) throws Exception {
        TreeMap<String, Integer> m = new TreeMap<>();
        for (JsonNode s : JSON.readTree(p.toFile()).get("data").get("result")) {
            m.put(s.get("metric").toString(), s.get("values").size());
        }
        return m;
    }
}
