package autoglm.result;

import autoglm.analyse.trace.Breakdown;
import autoglm.analyse.Metric;
import autoglm.rules.Severity;
import autoglm.util.BadInputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import autoglm.util.StrictBinding;
import java.util.Map;

/**
 * Reads the JSON of {@code diagnose --format json} or {@code profile --format json} (schema 1, docs/formats.md) back
 * through the records that write it ({@link ResultFile}), strictly: a key they do not declare is refused.
 */
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
        ResultFile r = bind(file, root(file));
        try {
            return parse(file.toString(), r);
        } catch (IllegalArgumentException e) {
            // an unknown unit or severity: the file's fault; anything else here would be a bug (exit 3)
            throw new BadInputException(file + ": malformed result (" + e.getMessage() + ")");
        }
    }

    /** The file's JSON, checked to be an autoglm result of schema 1. */
    private static JsonNode root(Path file) {
        autoglm.util.InputFiles.requireRegular(file.toString(), file);
        JsonNode root = autoglm.util.StrictBinding.tree(file);
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
        ResultFile r = bind(file, root(file));
        List<autoglm.diagnose.Verification> out = new ArrayList<>();
        try {
            for (VerifyEntry v : r.verify() == null ? List.<VerifyEntry>of() : r.verify()) {
                out.add(v.toVerification(file.toString()));
            }
        } catch (IllegalArgumentException e) {
            // an unknown unit, or a null where a metric belongs
            throw new BadInputException(file + ": malformed result (" + e.getMessage() + ")");
        }
        return out;
    }

    private static ResultFile bind(Path file, JsonNode root) {
        try {
            return StrictBinding.bind(root, ResultFile.class);
        } catch (StrictBinding.Problem p) {
            throw new BadInputException(file + ": malformed result (" + p.located() + ")");
        }
    }

    private static ResultSummary parse(String source, ResultFile r) {
        Map<String, Metric> metrics = new LinkedHashMap<>();
        if (r.metrics() != null) {
            r.metrics().forEach((name, m) -> metrics.put(name, metric(name, m)));
        }
        List<ResultSummary.FindingRef> findings = new ArrayList<>();
        for (FindingEntry f : r.findings() == null ? List.<FindingEntry>of() : r.findings()) {
            findings.add(new ResultSummary.FindingRef(text(f.rule()), Severity.ofKey(text(f.severity())),
                    text(f.title()), text(f.summary())));
        }
        List<Breakdown.KernelStat> kernels = List.of();
        List<Breakdown.OpStat> ops = r.breakdown() == null ? List.of() : r.breakdown().opStats();
        String note = null;
        if (r.breakdown() != null && r.breakdown().kernels() != null) {
            kernels = r.breakdown().kernelStats();
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

    private static Metric metric(String name, MetricEntry m) {
        if (m == null) {
            throw new IllegalArgumentException("metrics." + name + ": null where a metric belongs");
        }
        return m.toMetric(name);
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }
}
