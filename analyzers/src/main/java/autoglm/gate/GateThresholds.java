package autoglm.gate;

import autoglm.analyse.MetricCatalog;
import autoglm.analyse.Unit;
import autoglm.rules.Severity;
import autoglm.util.BadInputException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import autoglm.util.SafeText;
import autoglm.util.StrictBinding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gate's thresholds file (docs/gate.md): one line per metric, "METRIC: +10%" (a rise of more than
 * 10% fails), "METRIC: -3" (a fall of more than 3 units fails), "METRIC.p99: ..." for a statistic of its
 * spread; "METRIC: {limit: +10%, optional: true}" for a metric that may be absent from the current result;
 * "findings: {max_severity: info, new_only: true}"; "noise: {alpha: 0.05, within_noise: pass}".
 */
public record GateThresholds(String source, List<Threshold> metrics, Severity maxSeverity, boolean newOnly,
        double alpha, boolean failWithinNoise) {

    /** Shipped names for common statistics, as vLLM's benchmarks call them. */
    public static final Map<String, String> ALIASES = Map.of(
            "p99_latency_ms", "e2e_ms.p99",
            "p99_ttft_ms", "ttft_ms.p99",
            "p99_tpot_ms", "tpot_ms.p99",
            "p99_step_time_ms", "step_time_ms.p99");

    static final String DEFAULTS = "autoglm/gate-defaults.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The thresholds that ship with autoglm (docs/gate.md lists them). */
    public static GateThresholds defaults() {
        try (InputStream in = GateThresholds.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " is missing from the jar");
            }
            return parse("the default thresholds", YAML.readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS + ": " + e.getMessage(), e);
        }
    }

    /** The text of the default thresholds file. */
    public static String defaultsText() {
        try (InputStream in = GateThresholds.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static GateThresholds read(Path file) {
        JsonNode root;
        byte[] bytes = autoglm.util.InputFiles.readConfig("--thresholds " + file, file);
        try {
            root = YAML.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new BadInputException("--thresholds " + file + ": not valid YAML (" + autoglm.util.YamlErrors.line(e) + ")");
        } catch (IOException e) {
            throw new BadInputException("--thresholds " + file + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            return parse(file.toString(), root);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--thresholds " + file + ": " + e.getMessage());
        }
    }

    static GateThresholds parse(String source, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a mapping of METRIC: LIMIT lines");
        }
        List<Threshold> list = new ArrayList<>();
        Severity max = null;
        boolean newOnly = true;
        double alpha = 0.05;
        boolean failWithin = false;
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        Map<String, String> seen = new LinkedHashMap<>();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("findings")) {
                GateFileSpec.Findings f = bind(key, v, GateFileSpec.Findings.class, "{max_severity: info}");
                max = f.maxSeverity() != null ? severity(f.maxSeverity()) : Severity.INFO;
                newOnly = f.newOnly() == null || f.newOnly();
                continue;
            }
            if (key.equals("noise")) {
                GateFileSpec.Noise n = bind(key, v, GateFileSpec.Noise.class, "{alpha: 0.05}");
                if (n.alpha() != null) {
                    alpha = n.alpha();
                    if (!(alpha > 0 && alpha < 1)) {
                        throw new IllegalArgumentException("noise.alpha: " + alpha + " must be between 0 and 1");
                    }
                }
                if (n.withinNoise() != null) {
                    String w = n.withinNoise();
                    if (!w.equals("pass") && !w.equals("fail")) {
                        throw new IllegalArgumentException("noise.within_noise: '" + SafeText.safe(w) + "' (use pass or fail)");
                    }
                    failWithin = w.equals("fail");
                }
                continue;
            }
            boolean optional = false;
            if (v.isObject()) {
                // METRIC: {limit: +10%, optional: true}
                GateFileSpec.Limit l = bind(key, v, GateFileSpec.Limit.class, "{limit: +10%, optional: true}");
                optional = l.optional() != null && l.optional();
                if (l.limit() == null) {
                    throw new IllegalArgumentException(key + ": needs a limit, e.g. " + key + ": {limit: +10%, optional: true}");
                }
                v = l.limit();
            }
            if (!v.isValueNode() || v.isNull()) {
                throw new IllegalArgumentException(key + ": expected a limit such as +10% or -3");
            }
            String target = ALIASES.getOrDefault(key, key);
            int dot = target.indexOf('.');
            String metric = dot < 0 ? target : target.substring(0, dot);
            String stat = dot < 0 ? null : target.substring(dot + 1);
            MetricCatalog.Definition def = MetricCatalog.get(metric);
            if (def == null) {
                throw new IllegalArgumentException("unknown metric '" + metric + "' (docs/rules.md#metrics lists them)");
            }
            if (def.unit() == Unit.TEXT || def.unit() == Unit.VERSION) {
                throw new IllegalArgumentException(key + ": " + metric + " is not a number a gate can compare");
            }
            if (stat != null && autoglm.analyse.Spread.NONE.get(stat) == null) {
                throw new IllegalArgumentException(key + ": unknown statistic '" + stat + "' (min, p50, p95, p99, max, stdev)");
            }
            String was = seen.put(target, key);
            if (was != null) {
                throw new IllegalArgumentException(key + ": the same as " + was);
            }
            String text = v.asText();
            if (v.isNumber()) {
                // YAML reads "+1" as the number 1: its sign is the number's
                if (v.asDouble() == 0) {
                    throw new IllegalArgumentException(key + ": 0 has no direction: write '+0' or '-0' (quoted)");
                }
                text = v.asDouble() > 0 ? "+" + text : text;
            }
            list.add(Threshold.parse(key, metric, stat, text).withOptional(optional));
        }
        return new GateThresholds(source, List.copyOf(list), max, newOnly, alpha, failWithin);
    }

    /** A mapping of the file bound to its record; an unknown key or a mistyped value is one line. */
    private static <T> T bind(String key, JsonNode v, Class<T> type, String example) {
        if (!v.isObject()) {
            throw new IllegalArgumentException(key + ": expected a mapping, e.g. " + key + ": " + example);
        }
        try {
            return StrictBinding.bind(v, type);
        } catch (StrictBinding.Problem p) {
            if (p.unknown()) {
                throw new IllegalArgumentException(key + "." + SafeText.safe(p.key()) + ": unknown setting ("
                        + String.join(", ", p.known()) + ")");
            }
            throw new IllegalArgumentException(key + "." + p.describe());
        }
    }

    private static Severity severity(String s) {
        Severity sev = Severity.ofKey(s);
        if (sev != Severity.INFO && sev != Severity.WARNING && sev != Severity.OK) {
            throw new IllegalArgumentException("findings.max_severity: '" + s + "' (use ok, info or warning)");
        }
        return sev;
    }
}
