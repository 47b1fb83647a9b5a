package autoglm.record.load;

import autoglm.analyse.load.ServerSeriesNames;
import java.util.function.Consumer;

/**
 * One /metrics page as its lines arrive: the samples of the series an analysis reads ({@link ServerSeriesNames}),
 * with their families' {@code # TYPE} and {@code # HELP} lines, are kept as text for the exposition parser; every other
 * sample is only counted, and a line that is no sample at all counted as malformed (checked as far as telling a
 * sample from garbage needs: a metric name, labels closed, a number); other comments are dropped. At most {@code
 * maxKept} samples are kept: past that the page is refused ({@link #tooMany}), since a page cut short would read as
 * series that vanished. Called from the HTTP client's thread, one line at a time; read once the answer is whole.
 */
final class ScrapePage implements Consumer<String> {
    /** The kept text's bound (long labels or help texts): past it the page is refused as for too many samples. */
    static final int MAX_KEPT_CHARS = 8 << 20;
    private final int maxKept;
    private final StringBuilder kept = new StringBuilder();
    private long keptSamples;
    private long leftOut;
    private long malformed;
    private boolean tooMany;

    ScrapePage(int maxKept) {
        this.maxKept = maxKept;
    }

    @Override
    public void accept(String raw) {
        int i = 0;
        while (i < raw.length() && (raw.charAt(i) == ' ' || raw.charAt(i) == '\t')) {
            i++;
        }
        if (i == raw.length()) {
            return;
        }
        if (raw.charAt(i) == '#') {
            String[] parts = raw.substring(i + 1).trim().split("[ \t]+", 3);
            if (parts.length >= 2 && (parts[0].equals("TYPE") || parts[0].equals("HELP"))
                    && ServerSeriesNames.usesFamily(parts[1])) {
                keep(raw, i);
            }
            return;
        }
        int end = i;
        while (end < raw.length() && raw.charAt(end) != '{' && raw.charAt(end) != ' ' && raw.charAt(end) != '\t') {
            end++;
        }
        if (!ServerSeriesNames.uses(raw.substring(i, end))) {
            if (looksLikeSample(raw, i, end)) {
                leftOut++;
            } else {
                malformed++;
            }
            return;
        }
        if (keptSamples == maxKept) {
            refuse();
        }
        keptSamples++;
        keep(raw, i);
    }

    private void keep(String raw, int from) {
        if (tooMany) {
            return;
        }
        if (kept.length() + raw.length() - from + 1 > MAX_KEPT_CHARS) {
            refuse();
            return;
        }
        kept.append(raw, from, raw.length()).append('\n');
    }

    private void refuse() {
        tooMany = true;
        kept.setLength(0);
        kept.trimToSize();
    }

    /** Whether the line is a name (from {@code start} to {@code end}), labels closed if any, and a number. */
    static boolean looksLikeSample(String line, int start, int end) {
        if (end == start || Character.isDigit(line.charAt(start))) {
            return false;
        }
        for (int k = start; k < end; k++) {
            char c = line.charAt(k);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ':')) {
                return false;
            }
        }
        int i = end;
        if (i < line.length() && line.charAt(i) == '{') {
            boolean quoted = false;
            for (i++; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted && c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = !quoted;
                } else if (!quoted && c == '}') {
                    break;
                }
            }
            if (i >= line.length()) {
                return false;
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split("[ \t]+", 3);
        return !rest[0].isEmpty() && number(rest[0]);
    }

    /** Go's ParseFloat as the exposition format uses it, without a regular expression per line. */
    private static boolean number(String s) {
        String l = s.toLowerCase(java.util.Locale.ROOT);
        if (l.equals("nan") || l.equals("inf") || l.equals("+inf") || l.equals("-inf")) {
            return true;
        }
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (!(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
                return false;
            }
        }
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Lines that are no sample of a series the analyses leave out (the kept ones are checked by the parser). */
    long malformed() {
        return malformed;
    }

    /** The kept lines, one page of the exposition format. */
    String kept() {
        return kept.toString();
    }

    /** Samples of the series the analyses read (all of them, also past the bound). */
    long keptSamples() {
        return keptSamples;
    }

    /** Samples of other series, counted and dropped. */
    long leftOut() {
        return leftOut;
    }

    /** Whether more than the bound of samples the analyses read, or of their text, were on the page. */
    boolean tooMany() {
        return tooMany;
    }
}
