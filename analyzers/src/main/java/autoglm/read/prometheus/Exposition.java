package autoglm.read.prometheus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a metrics page in Prometheus's text exposition format (version 0.0.4, as vLLM, SGLang, TGI and llama.cpp
 * serve on /metrics; an OpenMetrics "# EOF" line is accepted): {@code # HELP} and {@code # TYPE} lines, samples
 * {@code name{label="value",...} value [timestamp]} with the label-value escapes \\, \" and \n, and the values NaN,
 * +Inf and -Inf. Metric names may contain ':' (vllm:num_requests_running). Hand-written because no Java library
 * on Maven Central parses the format without its whole client (the Prometheus Java client only writes it).
 *
 * <p>A line that does not parse is never fatal: it is counted in {@link Page#malformed()} with its line number and
 * why, and the rest of the page is read. A series given twice on one page (the same name and labels, in any order)
 * is refused whole: every copy is left out, never the last one believed, and each copy is counted in {@link
 * Page#malformed()} and {@link Page#duplicates()}. Nothing here throws on any input.
 */
public final class Exposition {
    /** One sample: the series' name (with its _bucket/_sum/_count suffix), labels in order, value, timestamp or null. */
    public record Sample(String name, Map<String, String> labels, double value, Long timestampMs) {
    }

    /** A metric family: its name, TYPE (untyped when not given), HELP (or null), and samples in page order. */
    public record Family(String name, String type, String help, List<Sample> samples) {
    }

    /**
     * The families in page order, the lines that did not parse ("line 7: ...", at most {@value #MAX_REASONS} and a
     * count of the rest), how many sample lines were left out as copies of a series given twice, and how many lines
     * did not parse (all of them, the copies of a series not included).
     */
    public record Page(List<Family> families, List<String> malformed, long duplicates, long malformedLines) {
        public Page(List<Family> families, List<String> malformed) {
            this(families, malformed, 0, malformed.size());
        }

        /** The family named {@code name}, or null. */
        public Family family(String name) {
            for (Family f : families) {
                if (f.name().equals(name)) {
                    return f;
                }
            }
            return null;
        }

        /** Every sample whose series name is {@code name}, whatever family it was filed under. */
        public List<Sample> samples(String name) {
            List<Sample> out = new ArrayList<>();
            for (Family f : families) {
                for (Sample s : f.samples()) {
                    if (s.name().equals(name)) {
                        out.add(s);
                    }
                }
            }
            return out;
        }
    }

    private static final int MAX_REASONS = 100;

    private Exposition() {
    }

    public static Page parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> helps = new LinkedHashMap<>();
        Map<String, List<Sample>> byFamily = new LinkedHashMap<>();
        List<String> malformed = new ArrayList<>();
        int malformedCount = 0;
        PageSeries series = new PageSeries();
        java.util.Set<Sample> twice = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        long duplicates = 0;
        long repeats = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isBlank()) {
                continue;
            }
            String why;
            if (line.startsWith("#")) {
                why = comment(line, types, helps, byFamily);
            } else {
                Object r = sample(line);
                if (r instanceof Sample s) {
                    PageSeries.Seen before = series.earlier(s, i + 1);
                    if (before == null) {
                        byFamily.computeIfAbsent(familyOf(s.name(), types), k -> new ArrayList<>()).add(s);
                        why = null;
                    } else {
                        duplicates += twice.add(before.sample()) ? 2 : 1;
                        repeats++;
                        why = "series " + autoglm.util.SafeText.safe(shorten(autoglm.model.load.SeriesKey.of(s.name(),
                                s.labels()).text())) + " given again (first on line " + before.line()
                                + "): every copy refused";
                    }
                } else {
                    why = (String) r;
                }
            }
            if (why != null) {
                malformedCount++;
                if (malformed.size() < MAX_REASONS) {
                    malformed.add("line " + (i + 1) + ": " + why);
                }
            }
        }
        if (malformedCount > malformed.size()) {
            malformed.add("and " + (malformedCount - malformed.size()) + " more malformed lines");
        }
        if (!twice.isEmpty()) {
            for (List<Sample> samples : byFamily.values()) {
                samples.removeIf(twice::contains);
            }
        }
        List<Family> families = new ArrayList<>();
        for (Map.Entry<String, List<Sample>> e : byFamily.entrySet()) {
            families.add(new Family(e.getKey(), types.getOrDefault(e.getKey(), "untyped"), helps.get(e.getKey()),
                    List.copyOf(e.getValue())));
        }
        return new Page(List.copyOf(families), List.copyOf(malformed), duplicates, malformedCount - repeats);
    }

    /** The family a series belongs to: a histogram's or summary's _bucket/_sum/_count series go under its name. */
    private static String familyOf(String series, Map<String, String> types) {
        for (String suffix : new String[] {"_bucket", "_sum", "_count", "_created", "_total"}) {
            if (series.endsWith(suffix)) {
                String base = series.substring(0, series.length() - suffix.length());
                String t = types.get(base);
                if (t != null && (suffix.equals("_total") ? t.equals("counter") : !t.equals("gauge"))) {
                    return base;
                }
            }
        }
        return series;
    }

    /** Reads # HELP and # TYPE; other comments are skipped. Returns why the line is malformed, or null. */
    private static String comment(String line, Map<String, String> types, Map<String, String> helps,
            Map<String, List<Sample>> byFamily) {
        String[] parts = line.substring(1).trim().split("[ \t]+", 3);
        if (parts.length < 2 || !(parts[0].equals("HELP") || parts[0].equals("TYPE"))) {
            return null; // a plain comment, or "# EOF"
        }
        String name = parts[1];
        if (!validName(name)) {
            return "# " + parts[0] + " of an invalid metric name";
        }
        if (parts[0].equals("TYPE")) {
            String t = parts.length > 2 ? parts[2].trim() : "";
            if (!List.of("counter", "gauge", "histogram", "summary", "untyped", "unknown", "info", "stateset",
                    "gaugehistogram").contains(t)) {
                return "# TYPE " + name + " with an unknown type";
            }
            types.put(name, t.equals("unknown") ? "untyped" : t);
            byFamily.computeIfAbsent(name, k -> new ArrayList<>());
        } else {
            helps.put(name, parts.length > 2 ? unescapeHelp(parts[2]) : "");
        }
        return null;
    }

    /** A sample, or why the line is not one. */
    private static Object sample(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && isNameChar(line.charAt(i), i == 0)) {
            i++;
        }
        String name = line.substring(0, i);
        if (name.isEmpty()) {
            return "no metric name";
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < n && line.charAt(i) == '{') {
            i++;
            while (true) {
                i = skipSpace(line, i);
                if (i < n && line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int start = i;
                while (i < n && isNameChar(line.charAt(i), i == start) && line.charAt(i) != ':') {
                    i++;
                }
                String label = line.substring(start, i);
                i = skipSpace(line, i);
                if (label.isEmpty() || i >= n || line.charAt(i) != '=') {
                    return "a label without a name or '='";
                }
                i = skipSpace(line, i + 1);
                if (i >= n || line.charAt(i) != '"') {
                    return "label " + label + " has no quoted value";
                }
                StringBuilder v = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == '\\' && i < n) {
                        char e = line.charAt(i++);
                        v.append(e == 'n' ? '\n' : e);
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        v.append(c);
                    }
                }
                if (!closed) {
                    return "label " + label + "'s value is not closed";
                }
                if (labels.put(label, v.toString()) != null) {
                    return "label " + label + " given twice";
                }
                i = skipSpace(line, i);
                if (i < n && line.charAt(i) == ',') {
                    i++;
                } else if (i >= n || line.charAt(i) != '}') {
                    return "labels not closed by '}'";
                }
            }
        }
        String[] rest = line.substring(i).trim().split("[ \t]+");
        if (rest.length == 0 || rest[0].isEmpty()) {
            return "no value";
        }
        if (rest.length > 2 && !rest[2].startsWith("#")) {
            return "more than a value and a timestamp";
        }
        double value;
        try {
            value = value(rest[0]);
        } catch (NumberFormatException e) {
            return "value '" + autoglm.util.SafeText.safe(shorten(rest[0])) + "' is not a number";
        }
        Long ts = null;
        if (rest.length > 1 && !rest[1].startsWith("#")) {
            try {
                ts = Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                return "timestamp '" + autoglm.util.SafeText.safe(shorten(rest[1])) + "' is not whole milliseconds";
            }
        }
        return new Sample(name, Collections.unmodifiableMap(labels), value, ts);
    }

    /** Go's ParseFloat as the format uses it: decimal or exponent notation, NaN, +Inf, -Inf (any case). */
    public static double value(String s) {
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "nan":
                return Double.NaN;
            case "+inf": case "inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            default:
                if (s.isEmpty() || !s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
                    throw new NumberFormatException(s);
                }
                return Double.parseDouble(s);
        }
    }

    private static String unescapeHelp(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                sb.append(e == 'n' ? '\n' : e);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isNameChar(name.charAt(i), i == 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNameChar(char c, boolean first) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || !first && c >= '0' && c <= '9';
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
