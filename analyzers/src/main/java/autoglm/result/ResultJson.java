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
import java.util.LinkedHashMap;
import java.util.List;
import autoglm.util.StrictBinding;
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
        JsonNode root = root(file);
        try {
            return parse(file.toString(), root);
        } catch (IllegalArgumentException e) {
            // an unknown unit or severity: the file's fault; anything else here would be a bug (exit 3)
            throw new BadInputException(file + ": malformed result (" + e.getMessage() + ")");
        }
    }

    /** The file's JSON, checked to be an autoglm result of schema 1. */
    private static JsonNode root(Path file) {
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
        return root;
    }

    /**
     * The verified fixes a result holds ({@code verify}), as the diagnosis had them: a run folder keeps the result of
     * its --verify (verify.json) so that diagnosing the folder again shows them measured.
     */
    public static List<autoglm.diagnose.Verification> verifications(Path file) {
        JsonNode root = root(file);
        ResultJsonSpec r;
        try {
            r = StrictBinding.bind(root, ResultJsonSpec.class);
        } catch (StrictBinding.Problem p) {
            throw new BadInputException(file + ": malformed result (" + p.located() + ")");
        }
        List<autoglm.diagnose.Verification> out = new ArrayList<>();
        for (ResultJsonSpec.VerifySpec v : r.verify() == null ? List.<ResultJsonSpec.VerifySpec>of() : r.verify()) {
            List<autoglm.diagnose.Verification.Comparison> cs = new ArrayList<>();
            if (v.metrics() != null) {
                v.metrics().forEach((name, c) -> cs.add(new autoglm.diagnose.Verification.Comparison(name,
                        metric(name, c.before()), metric(name, c.after()), Boolean.TRUE.equals(c.lowerIsBetter()),
                        nan(c.welchP()))));
            }
            autoglm.diagnose.Verification.Status status = switch (text(v.status())) {
                case "measured" -> autoglm.diagnose.Verification.Status.MEASURED;
                case "not-run" -> autoglm.diagnose.Verification.Status.NOT_RUN;
                case "re-run-failed" -> autoglm.diagnose.Verification.Status.FAILED;
                default -> throw new BadInputException(file + ": malformed result (verify status " + v.status() + ")");
            };
            out.add(new autoglm.diagnose.Verification(text(v.rule()), v.knobs() == null ? Map.of() : v.knobs(), status,
                    v.reason(), v.run(), List.copyOf(cs), v.runs() == null ? 1 : v.runs(), v.workChange()));
        }
        return out;
    }

    private static ResultSummary parse(String source, JsonNode root) {
        ResultJsonSpec r;
        try {
            r = StrictBinding.bind(root, ResultJsonSpec.class);
        } catch (StrictBinding.Problem p) {
            throw new IllegalArgumentException(p.located());
        }
        Map<String, Metric> metrics = new LinkedHashMap<>();
        if (r.metrics() != null) {
            r.metrics().forEach((name, m) -> metrics.put(name, metric(name, m)));
        }
        List<ResultSummary.FindingRef> findings = new ArrayList<>();
        for (ResultJsonSpec.FindingSpec f : r.findings() == null ? List.<ResultJsonSpec.FindingSpec>of() : r.findings()) {
            findings.add(new ResultSummary.FindingRef(text(f.rule()), Severity.ofKey(text(f.severity())),
                    text(f.title()), text(f.summary())));
        }
        List<Breakdown.KernelStat> kernels = new ArrayList<>();
        List<Breakdown.OpStat> ops = new ArrayList<>();
        if (r.breakdown() != null && r.breakdown().ops() != null) {
            for (ResultJsonSpec.OpSpec o : r.breakdown().ops()) {
                ops.add(new Breakdown.OpStat(text(o.op()), o.activities() == null ? 0 : o.activities(), nan(o.gpuMs()),
                        nan(o.launchMs()), nan(o.sharePct())));
            }
        }
        String note = null;
        if (r.breakdown() != null && r.breakdown().kernels() != null) {
            for (ResultJsonSpec.KernelSpec k : r.breakdown().kernels()) {
                kernels.add(new Breakdown.KernelStat(text(k.name()), text(k.family()), k.count() == null ? 0 : k.count(),
                        nan(k.totalMs()), nan(k.meanUs()), nan(k.minUs()), nan(k.maxUs()), nan(k.stdevUs()),
                        nan(k.sharePct())));
            }
        } else {
            note = r.inputs() != null && r.inputs().size() > 1 ? "several ranks: compare one rank's trace at a time"
                    : "the result has no kernel table (no trace or kernel recording behind it)";
        }
        int iterations = 0;
        if (r.inputs() != null && r.inputs().size() == 1 && r.inputs().get(0) != null
                && r.inputs().get(0).iterations() != null && r.inputs().get(0).iterations().count() != null) {
            iterations = r.inputs().get(0).iterations().count();
        }
        ResultSummary.RunState run = null;
        if (r.run() != null) {
            // a run without "complete" is not known to be complete
            run = new ResultSummary.RunState(r.run().status() == null ? "unknown" : r.run().status(),
                    Boolean.TRUE.equals(r.run().complete()), r.run().note());
        }
        return new ResultSummary(source, metrics, List.copyOf(findings), List.copyOf(kernels), note, iterations, run,
                List.copyOf(ops));
    }

    private static Metric metric(String name, ResultJsonSpec.MetricSpec m) {
        if (m == null) {
            throw new IllegalArgumentException("metrics." + name + ": null where a metric belongs");
        }
        Unit unit = Unit.ofKey(text(m.unit()));
        long n = m.n() == null ? 0 : m.n();
        if (unit == Unit.TEXT) {
            return m.text() == null ? Metric.absent(name, unit, m.reason()) : Metric.text(name, m.text(), n);
        }
        JsonNode v = m.value();
        if (Boolean.TRUE.equals(m.bad())) {
            // written by JsonReport for a value that was not a finite number
            return Metric.of(name, unit, Double.NaN, n, Spread.NONE);
        }
        if (v == null || v.isNull()) {
            return Metric.absent(name, unit, m.reason());
        }
        if (!v.isNumber()) {
            // "NaN", "Infinity", or any other text where a number belongs: a bad value, judged as one
            return Metric.of(name, unit, Double.NaN, n, Spread.NONE);
        }
        Spread spread = new Spread(nan(m.min()), nan(m.p50()), nan(m.p95()), nan(m.p99()), nan(m.max()), nan(m.stdev()));
        return Metric.of(name, unit, v.asDouble(), n, spread);
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static double nan(Double v) {
        return v == null ? Double.NaN : v;
    }
}
