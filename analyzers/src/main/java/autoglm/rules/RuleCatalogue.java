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
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        onlyKeys(root, file, "family", "rules");
        String family = text(root, "family", file);
        JsonNode list = root.get("rules");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(file + ": 'rules' must be a list");
        }
        List<RuleDefinition> out = new ArrayList<>();
        for (JsonNode r : list) {
            out.add(parseRule(r, family, file));
        }
        return out;
    }

    private static RuleDefinition parseRule(JsonNode r, String family, String file) {
        String id = text(r, "id", file);
        String where = file + ", rule " + id;
        onlyKeys(r, where, "id", "title", "topic", "requires", "evidence", "thresholds", "applies", "score", "gain",
                "summary", "explanation", "fix", "verify");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException(where + ": id must be lower-case words joined by '-'");
        }
        List<String> requires = strings(r.get("requires"), where + ": requires");
        if (requires.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'requires' must name the metrics the rule needs");
        }
        List<Parameter> thresholds = new ArrayList<>();
        JsonNode th = r.get("thresholds");
        Set<String> thresholdNames = new LinkedHashSet<>();
        if (th != null) {
            for (JsonNode t : th) {
                String name = text(t, "name", where);
                onlyKeys(t, where + ", threshold " + name, "name", "default", "unit", "description");
                if (!NAME.matcher(name).matches() || MetricCatalog.contains(name)) {
                    throw new IllegalArgumentException(where + ": threshold name '" + name
                            + "' must be snake_case and differ from every metric name");
                }
                if (!thresholdNames.add(name)) {
                    throw new IllegalArgumentException(where + ": threshold '" + name + "' is declared twice");
                }
                JsonNode def = t.get("default");
                if (def == null || !def.isNumber() || !Double.isFinite(def.asDouble())) {
                    throw new IllegalArgumentException(where + ": threshold '" + name + "' needs a finite numeric default");
                }
                Unit unit;
                try {
                    unit = Unit.ofKey(text(t, "unit", where));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": threshold '" + name + "': " + e.getMessage());
                }
                thresholds.add(new Parameter(name, unit, def.asDouble(), text(t, "description", where)));
            }
        }
        Set<String> known = new HashSet<>(MetricCatalog.all().keySet());
        known.addAll(thresholdNames);
        for (String m : requires) {
            metricName(m, where);
        }
        List<String> evidence = new ArrayList<>(requires);
        for (String m : strings(r.get("evidence"), where + ": evidence")) {
            metricName(m, where);
            if (!evidence.contains(m)) {
                evidence.add(m);
            }
        }
        Expression applies = r.hasNonNull("applies") ? expression(r.get("applies").asText(), known, where) : null;
        JsonNode score = r.get("score");
        if (score == null || !score.isObject()) {
            throw new IllegalArgumentException(where + ": 'score' needs metric, info and warning");
        }
        onlyKeys(score, where + ", score", "metric", "zero", "info", "warning");
        Expression metric = expression(text(score, "metric", where), known, where);
        Expression zero = expression(score.hasNonNull("zero") ? score.get("zero").asText() : "0", known, where);
        Expression info = expression(text(score, "info", where), known, where);
        Expression warning = expression(text(score, "warning", where), known, where);
        JsonNode gain = r.get("gain");
        if (gain == null || !gain.isObject()) {
            throw new IllegalArgumentException(where + ": 'gain' needs formula and basis");
        }
        onlyKeys(gain, where + ", gain", "formula", "basis");
        Expression formula = expression(text(gain, "formula", where), known, where);
        Template summary = template(text(r, "summary", where), known, where);
        Template explanation = template(text(r, "explanation", where), known, where);
        Template fix = template(text(r, "fix", where), known, where);
        RuleDefinition def = new RuleDefinition(id, family, text(r, "title", where), text(r, "topic", where),
                List.copyOf(requires), List.copyOf(thresholds), applies, metric, zero, info, warning,
                List.copyOf(evidence), summary, explanation, fix, formula, text(gain, "basis", where), file,
                verify(r.get("verify"), where));
        checkAnchors(def, where);
        return def;
    }

    /** verify: a mapping of workload knob names to values (docs/workload.md#knobs); absent means none. */
    private static java.util.Map<String, String> verify(JsonNode v, String where) {
        if (v == null || v.isNull()) {
            return java.util.Map.of();
        }
        if (!v.isObject() || v.size() == 0) {
            throw new IllegalArgumentException(where + ": 'verify' must map workload knobs to values");
        }
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        v.fields().forEachRemaining(e -> {
            if (!NAME.matcher(e.getKey()).matches() || !e.getValue().isValueNode()) {
                throw new IllegalArgumentException(where + ": verify." + e.getKey() + " must be a knob and a value");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
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

    /** Refuses a key the schema does not have (a typo such as "aplies:" would otherwise be ignored). */
    private static void onlyKeys(JsonNode node, String where, String... allowed) {
        if (node == null || !node.isObject()) {
            return;
        }
        java.util.Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!java.util.Arrays.asList(allowed).contains(n)) {
                throw new IllegalArgumentException(where + ": unknown key '" + autoglm.util.SafeText.safe(n) + "' (the keys are "
                        + String.join(", ", allowed) + ")");
            }
        }
    }

    /** A scalar field, its whitespace runs (YAML folding leaves newlines) collapsed to single spaces. */
    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            throw new IllegalArgumentException(where + ": missing '" + field + "'");
        }
        return v.asText().replaceAll("\\s+", " ").strip();
    }

    private static List<String> strings(JsonNode node, String where) {
        List<String> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(where + " must be a list");
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext();) {
            out.add(it.next().asText());
        }
        return out;
    }
}
