package autoglm.result;

import autoglm.analyse.Breakdown;
import autoglm.analyse.Metric;
import autoglm.analyse.Spread;
import autoglm.analyse.Unit;
import autoglm.rules.Severity;
import autoglm.util.BadInputException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the JSON of {@code diagnose --format json} or {@code profile --format json} (schema 1, docs/formats.md). */
public final class ResultJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultJson() {
    }

    /** Whether a file looks like a result: JSON whose first character opens an object. */
    public static boolean looksLikeResult(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4096);
            String s = new String(head, java.nio.charset.StandardCharsets.UTF_8);
            return s.stripLeading().startsWith("{") && s.contains("\"schema\"") && s.contains("\"tool\"");
        } catch (IOException e) {
            return false;
        }
    }

    public static ResultSummary read(Path file) {
        JsonNode root;
        autoglm.util.InputFiles.requireRegular(file.toString(), file);
        try (InputStream in = Files.newInputStream(file)) {
            root = JSON.readTree(in);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject() || !"autoglm".equals(root.path("tool").asText())) {
            throw new BadInputException(file + ": not an autoglm result (the JSON of diagnose or profile --format json)");
        }
        int schema = root.path("schema").asInt(-1);
        if (schema != 1) {
            throw new BadInputException(file + ": result schema " + root.path("schema") + " is not one this autoglm reads (1)");
        }
        try {
            return parse(file.toString(), root);
        } catch (IllegalArgumentException e) {
            // an unknown unit or severity: the file's fault; anything else here would be a bug (exit 3)
            throw new BadInputException(file + ": malformed result (" + e.getMessage() + ")");
        }
    }

    private static ResultSummary parse(String source, JsonNode root) {
        Map<String, Metric> metrics = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.path("metrics").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            metrics.put(e.getKey(), metric(e.getKey(), e.getValue()));
        }
        List<ResultSummary.FindingRef> findings = new ArrayList<>();
        for (JsonNode f : root.path("findings")) {
            findings.add(new ResultSummary.FindingRef(f.path("rule").asText(), Severity.ofKey(f.path("severity").asText()),
                    f.path("title").asText(), f.path("summary").asText()));
        }
        List<Breakdown.KernelStat> kernels = new ArrayList<>();
        JsonNode b = root.path("breakdown");
        String note = null;
        if (b.has("kernels")) {
            for (JsonNode k : b.get("kernels")) {
                kernels.add(new Breakdown.KernelStat(k.path("name").asText(), k.path("family").asText(),
                        k.path("count").asLong(), num(k, "totalMs"), num(k, "meanUs"), num(k, "minUs"), num(k, "maxUs"),
                        num(k, "stdevUs"), num(k, "sharePct")));
            }
        } else {
            note = root.path("inputs").size() > 1 ? "several ranks: compare one rank's trace at a time"
                    : "the result has no kernel table (no trace or kernel recording behind it)";
        }
        int iterations = 0;
        JsonNode inputs = root.path("inputs");
        if (inputs.size() == 1) {
            iterations = inputs.get(0).path("iterations").path("count").asInt(0);
        }
        ResultSummary.RunState run = null;
        JsonNode r = root.path("run");
        if (r.isObject()) {
            // a run without "complete" (or with a non-boolean one) is not known to be complete
            run = new ResultSummary.RunState(r.path("status").asText("unknown"),
                    r.path("complete").isBoolean() && r.path("complete").asBoolean(), r.path("note").asText(null));
        }
        return new ResultSummary(source, metrics, List.copyOf(findings), List.copyOf(kernels), note, iterations, run);
    }

    private static Metric metric(String name, JsonNode m) {
        Unit unit = Unit.ofKey(m.path("unit").asText());
        if (unit == Unit.TEXT) {
            JsonNode t = m.get("text");
            return t == null || t.isNull() ? Metric.absent(name, unit, m.path("reason").asText(null))
                    : Metric.text(name, t.asText(), m.path("n").asLong());
        }
        JsonNode v = m.get("value");
        if (m.path("bad").asBoolean(false)) {
            // written by JsonReport for a value that was not a finite number
            return Metric.of(name, unit, Double.NaN, m.path("n").asLong(), Spread.NONE);
        }
        if (v == null || v.isNull()) {
            return Metric.absent(name, unit, m.path("reason").asText(null));
        }
        if (!v.isNumber()) {
            // "NaN", "Infinity", or any other text where a number belongs: a bad value, judged as one
            return Metric.of(name, unit, Double.NaN, m.path("n").asLong(), Spread.NONE);
        }
        Spread spread = new Spread(num(m, "min"), num(m, "p50"), num(m, "p95"), num(m, "p99"), num(m, "max"),
                num(m, "stdev"));
        return Metric.of(name, unit, v.asDouble(), m.path("n").asLong(), spread);
    }

    private static double num(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isNumber() ? Double.NaN : v.asDouble();
    }
}
