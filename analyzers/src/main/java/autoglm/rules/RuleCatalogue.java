package autoglm.rules;

import autoglm.analyse.MetricCatalog;
import autoglm.analyse.Parameter;
import autoglm.analyse.Unit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import autoglm.util.SafeText;
import autoglm.util.StrictBinding;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The rules, loaded from YAML files (one per rule family): the bundled rules/ directory inside the
 * jar, or a directory given by the user. Every reference is checked when loading: metric names
 * against the {@link MetricCatalog}, expressions and templates against metrics and the rule's own
 * thresholds, so a broken rule fails at load time, never while diagnosing.
 */
public final class RuleCatalogue {
    private static final String RESOURCE_DIR = "autoglm-rules";
    private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<RuleDefinition> rules;

    private RuleCatalogue(List<RuleDefinition> rules) {
        this.rules = Collections.unmodifiableList(rules);
    }

    /** The rule with this id, or null. */
    public RuleDefinition rule(String id) {
        for (RuleDefinition r : rules()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        return null;
    }

    public List<RuleDefinition> rules() {
        return rules;
    }

    public RuleDefinition get(String id) {
        for (RuleDefinition r : rules) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        return null;
    }

    /** The rules shipped with autoglm. */
    public static RuleCatalogue bundled() {
        URL url = RuleCatalogue.class.getClassLoader().getResource(RESOURCE_DIR);
        if (url == null) {
            throw new IllegalStateException("the bundled rules (" + RESOURCE_DIR + ") are missing from the classpath");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return load(fs.getPath(RESOURCE_DIR));
            }
            return load(Path.of(uri));
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read the bundled rules: " + e.getMessage(), e);
        }
    }

    /** Loads every *.yaml file of a directory, in name order. */
    public static RuleCatalogue load(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted(
                    (a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).forEach(files::add);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(dir + ": no rule files (*.yaml)");
        }
        List<RuleDefinition> all = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Path f : files) {
            byte[] bytes = autoglm.util.InputFiles.readConfig(f.toString(), f);
            JsonNode root;
            try {
                root = YAML.readTree(bytes);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(f.getFileName() + ": not valid YAML (" + autoglm.util.YamlErrors.line(e) + ")");
            }
            {
                for (RuleDefinition r : parse(root, f.getFileName().toString())) {
                    if (!ids.add(r.id())) {
                        throw new IllegalArgumentException(f.getFileName() + ": rule id '" + r.id() + "' is defined twice");
                    }
                    all.add(r);
                }
            }
        }
        return new RuleCatalogue(all);
    }

    static List<RuleDefinition> parse(JsonNode root, String file) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a mapping with 'family' and 'rules'");
        }
        RuleFileSpec spec;
        try {
            spec = StrictBinding.bind(root, RuleFileSpec.class);
        } catch (StrictBinding.Problem p) {
            throw new IllegalArgumentException(where(file, root, p.path()) + ": " + problem(p));
        }
        String family = required(spec.family(), "family", file);
        if (spec.rules() == null) {
            throw new IllegalArgumentException(file + ": 'rules' must be a list");
        }
        List<RuleDefinition> out = new ArrayList<>();
        for (RuleFileSpec.Rule r : spec.rules()) {
            if (r == null) {
                throw new IllegalArgumentException(file + ": an empty entry in 'rules'");
            }
            out.add(parseRule(r, family, file));
        }
        return out;
    }

    /** "test.yaml, rule busy-rule, threshold info_pct": the place of a binding problem, in the file's words. */
    private static String where(String file, JsonNode root, List<Object> path) {
        StringBuilder sb = new StringBuilder(file);
        JsonNode node = root;
        for (int i = 0; i < path.size(); i++) {
            Object step = path.get(i);
            node = node == null ? null : step instanceof Integer n ? node.get(n) : node.get((String) step);
            if ("rules".equals(step) || "thresholds".equals(step)) {
                continue;
            }
            String parent = i > 0 ? String.valueOf(path.get(i - 1)) : "";
            if (step instanceof Integer n && parent.equals("rules")) {
                sb.append(", rule ").append(label(node, "id", n));
            } else if (step instanceof Integer n && parent.equals("thresholds")) {
                sb.append(", threshold ").append(label(node, "name", n));
            } else {
                sb.append(", ").append(step);
            }
        }
        return sb.toString();
    }

    private static String label(JsonNode node, String key, int index) {
        JsonNode v = node == null ? null : node.get(key);
        return v != null && v.isValueNode() ? SafeText.safe(v.asText()) : "#" + (index + 1);
    }

    private static String problem(StrictBinding.Problem p) {
        if (!p.unknown() && p.key().equals("default")) {
            return "a threshold needs a finite numeric default";
        }
        return p.describe();
    }

    private static String required(String value, String field, String where) {
        if (value == null) {
            throw new IllegalArgumentException(where + ": missing '" + field + "'");
        }
        return value.replaceAll("\\s+", " ").strip();
    }

    private static RuleDefinition parseRule(RuleFileSpec.Rule r, String family, String file) {
        String id = required(r.id(), "id", file);
        String where = file + ", rule " + SafeText.safe(id);
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException(where + ": id must be lower-case words joined by '-'");
        }
        List<String> requires = r.requires() == null ? List.of() : r.requires();
        if (requires.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'requires' must name the metrics the rule needs");
        }
        List<Parameter> thresholds = new ArrayList<>();
        Set<String> thresholdNames = new LinkedHashSet<>();
        for (RuleFileSpec.Threshold t : r.thresholds() == null ? List.<RuleFileSpec.Threshold>of() : r.thresholds()) {
            String name = required(t.name(), "name", where + ", a threshold");
            if (!NAME.matcher(name).matches() || MetricCatalog.contains(name)) {
                throw new IllegalArgumentException(where + ": threshold name '" + SafeText.safe(name)
                        + "' must be snake_case and differ from every metric name");
            }
            if (!thresholdNames.add(name)) {
                throw new IllegalArgumentException(where + ": threshold '" + name + "' is declared twice");
            }
            if (t.defaultValue() == null || !Double.isFinite(t.defaultValue())) {
                throw new IllegalArgumentException(where + ": threshold '" + name + "' needs a finite numeric default");
            }
            Unit unit;
            try {
                unit = Unit.ofKey(required(t.unit(), "unit", where + ", threshold " + name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": threshold '" + name + "': " + e.getMessage());
            }
            thresholds.add(new Parameter(name, unit, t.defaultValue(),
                    required(t.description(), "description", where + ", threshold " + name)));
        }
        Set<String> known = new HashSet<>(MetricCatalog.all().keySet());
        known.addAll(thresholdNames);
        for (String m : requires) {
            metricName(m, where);
        }
        List<String> evidence = new ArrayList<>(requires);
        for (String m : r.evidence() == null ? List.<String>of() : r.evidence()) {
            metricName(m, where);
            if (!evidence.contains(m)) {
                evidence.add(m);
            }
        }
        Expression applies = r.applies() != null ? expression(r.applies(), known, where) : null;
        RuleFileSpec.Score score = r.score();
        if (score == null) {
            throw new IllegalArgumentException(where + ": 'score' needs metric, info and warning");
        }
        Expression metric = expression(required(score.metric(), "metric", where + ", score"), known, where);
        Expression zero = expression(score.zero() != null ? score.zero() : "0", known, where);
        Expression info = expression(required(score.info(), "info", where + ", score"), known, where);
        Expression warning = expression(required(score.warning(), "warning", where + ", score"), known, where);
        RuleFileSpec.Gain gain = r.gain();
        if (gain == null || (gain.formula() == null) == (gain.none() == null)) {
            throw new IllegalArgumentException(where + ": 'gain' needs either formula, base, bound and basis, or none "
                    + "(why the rule has no gain model)");
        }
        Expression formula = gain.formula() == null ? null : expression(gain.formula(), known, where);
        String basis = gain.formula() == null ? required(gain.none(), "none", where + ", gain")
                : required(gain.basis(), "basis", where + ", gain");
        if (gain.formula() == null && (gain.basis() != null || gain.base() != null || gain.bound() != null)) {
            throw new IllegalArgumentException(where + ", gain: 'none' says why there is no estimate; 'basis', 'base' "
                    + "and 'bound' belong to a formula");
        }
        GainBase base = null;
        Expression bound = null;
        if (formula != null) {
            if (gain.base() == null) {
                throw new IllegalArgumentException(where + ", gain: missing 'base' (what the gain is a share of: "
                        + GainBase.keys() + ")");
            }
            try {
                base = GainBase.ofKey(gain.base().strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ", gain: " + e.getMessage());
            }
            if (gain.bound() == null) {
                throw new IllegalArgumentException(where + ", gain: missing 'bound' (the share of its base the cause "
                        + "takes, which the estimate cannot pass)");
            }
            bound = expression(gain.bound(), known, where);
        }
        Template summary = template(required(r.summary(), "summary", where), known, where);
        Template explanation = template(required(r.explanation(), "explanation", where), known, where);
        Template fix = template(required(r.fix(), "fix", where), known, where);
        RuleDefinition def = new RuleDefinition(id, family, required(r.title(), "title", where),
                required(r.topic(), "topic", where), List.copyOf(requires), List.copyOf(thresholds), applies, metric,
                zero, info, warning, List.copyOf(evidence), summary, explanation, fix, formula, base, bound, basis, file,
                verify(r.verify(), where), verifyEndpoint(r.verifyEndpoint(), where), verifyAlso(r, where),
                r.fixCpu() == null ? null : template(r.fixCpu(), known, where), counts(r, thresholds, where),
                r.uncounted() == null ? null : required(r.uncounted(), "uncounted", where));
        checkAnchors(def, where);
        return def;
    }

    /**
     * counts: each names its events, a count ({@code metric.n}, the metric's sample count, or a count metric) and two
     * count thresholds of the rule, {@code min} and {@code full}, with defaults 1 <= min <= full. A rule has counts or
     * says why it has none ({@code uncounted}), not both.
     */
    private static List<CountGate> counts(RuleFileSpec.Rule r, List<Parameter> thresholds, String where) {
        if (r.counts() != null && r.uncounted() != null) {
            throw new IllegalArgumentException(where + ": 'counts' and 'uncounted' exclude each other");
        }
        if (r.counts() == null) {
            return List.of();
        }
        if (r.counts().isEmpty()) {
            throw new IllegalArgumentException(where + ": 'counts' must list at least one count (or use 'uncounted')");
        }
        List<CountGate> out = new ArrayList<>();
        for (RuleFileSpec.Count c : r.counts()) {
            if (c == null) {
                throw new IllegalArgumentException(where + ": an empty entry in 'counts'");
            }
            String of = required(c.of(), "of", where + ", a count");
            String n = required(c.n(), "n", where + ", count of " + SafeText.safe(of));
            boolean sample = n.endsWith(".n");
            String metric = sample ? n.substring(0, n.length() - 2) : n;
            metricName(metric, where);
            if (!sample && MetricCatalog.unit(metric) != Unit.COUNT) {
                throw new IllegalArgumentException(where + ": count '" + n + "' is not a count metric: use "
                        + metric + ".n for its sample count");
            }
            Parameter min = countThreshold(thresholds, required(c.min(), "min", where + ", count " + n), where);
            Parameter full = countThreshold(thresholds, required(c.full(), "full", where + ", count " + n), where);
            if (!(min.defaultValue() >= 1 && full.defaultValue() >= min.defaultValue())) {
                throw new IllegalArgumentException(where + ": count " + n + " needs 1 <= min <= full (got "
                        + min.defaultValue() + ", " + full.defaultValue() + ")");
            }
            out.add(new CountGate(of, metric, sample, min.name(), full.name()));
        }
        return List.copyOf(out);
    }

    private static Parameter countThreshold(List<Parameter> thresholds, String name, String where) {
        for (Parameter p : thresholds) {
            if (p.name().equals(name)) {
                if (p.unit() != Unit.COUNT) {
                    throw new IllegalArgumentException(where + ": threshold '" + name + "' of a count must have unit count");
                }
                return p;
            }
        }
        throw new IllegalArgumentException(where + ": count threshold '" + SafeText.safe(name)
                + "' is not a threshold of this rule");
    }

    /** verify: a mapping of workload knob names to values (docs/workload.md#knobs); absent means none. */
    private static Map<String, String> verify(Map<String, String> v, String where) {
        if (v == null) {
            return Map.of();
        }
        if (v.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'verify' must map workload knobs to values");
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        v.forEach((k, value) -> {
            if (!NAME.matcher(k).matches() || value == null) {
                throw new IllegalArgumentException(where + ": verify." + SafeText.safe(k) + " must be a knob and a value");
            }
            out.put(k, value);
        });
        return java.util.Collections.unmodifiableMap(out);
    }

    /** verify_also: a list of further knob mappings, each verified on its own; needs verify. */
    private static List<Map<String, String>> verifyAlso(RuleFileSpec.Rule r, String where) {
        if (r.verifyAlso() == null) {
            return List.of();
        }
        if (r.verify() == null) {
            throw new IllegalArgumentException(where + ": 'verify_also' lists fixes verified after 'verify', which is missing");
        }
        List<Map<String, String>> out = new java.util.ArrayList<>();
        for (Map<String, String> m : r.verifyAlso()) {
            out.add(verify(m, where + ", verify_also"));
        }
        return List.copyOf(out);
    }

    /** verify_endpoint: server and traffic knobs ({@link EndpointKnobs}) to values; absent means none. */
    private static Map<String, String> verifyEndpoint(Map<String, String> v, String where) {
        if (v == null) {
            return Map.of();
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        v.forEach((k, value) -> {
            String problem = EndpointKnobs.check(k, value);
            if (problem != null) {
                throw new IllegalArgumentException(where + ": verify_endpoint." + SafeText.safe(k) + ": " + problem);
            }
            out.put(k, value);
        });
        if (out.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'verify_endpoint' must map endpoint knobs to values");
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** The info anchor must lie between the zero point and the warning anchor (with default thresholds). */
    private static void checkAnchors(RuleDefinition def, String where) {
        Expression.Env env = name -> {
            Parameter p = def.threshold(name);
            return p == null ? Double.NaN : p.defaultValue();
        };
        double z;
        double i;
        double w;
        try {
            z = def.scoreZero().evaluate(env);
            i = def.scoreInfo().evaluate(env);
            w = def.scoreWarning().evaluate(env);
        } catch (Expression.Missing e) {
            throw new IllegalArgumentException(where + ": score anchors may only use numbers and thresholds ("
                    + e.name() + ")");
        }
        if (!Double.isFinite(z) || !Double.isFinite(i) || !Double.isFinite(w)) {
            throw new IllegalArgumentException(where + ": score anchors must be finite numbers (got " + z + ", " + i
                    + ", " + w + ")");
        }
        boolean ordered = (z <= i && i <= w && z < w) || (z >= i && i >= w && z > w);
        if (!ordered) {
            throw new IllegalArgumentException(where + ": score anchors must be ordered zero, info, warning (got "
                    + z + ", " + i + ", " + w + ")");
        }
    }

    private static void metricName(String m, String where) {
        if (!MetricCatalog.contains(m)) {
            throw new IllegalArgumentException(where + ": unknown metric '" + m + "'");
        }
    }

    private static Expression expression(String source, Set<String> known, String where) {
        Expression e;
        try {
            e = Expression.parse(source);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(where + ": " + ex.getMessage());
        }
        for (String n : e.names()) {
            if (!known.contains(n)) {
                throw new IllegalArgumentException(where + ": '" + n + "' in \"" + source
                        + "\" is neither a metric nor a threshold of this rule");
            }
            MetricCatalog.Definition d = MetricCatalog.get(n);
            if (d != null && d.unit() == Unit.TEXT) {
                throw new IllegalArgumentException(where + ": '" + n + "' in \"" + source
                        + "\" is a text metric: a formula computes with numbers only");
            }
        }
        return e;
    }

    private static Template template(String text, Set<String> known, String where) {
        Template t = new Template(text);
        for (String n : t.names()) {
            if (!known.contains(n)) {
                throw new IllegalArgumentException(where + ": placeholder {" + n
                        + "} is neither a metric nor a threshold of this rule");
            }
        }
        return t;
    }
}
