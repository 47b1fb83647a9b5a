package autoglm.record.load;

import autoglm.analyse.ServerSeriesNames;
import java.util.function.Consumer;

/**
 * One /metrics page as its lines arrive: the samples of the series an analysis reads ({@link ServerSeriesNames}),
 * with their families' {@code # TYPE} and {@code # HELP} lines, are kept as text for the exposition parser; every other
 * sample is only counted; other comments are dropped. At most {@code maxKept} samples are kept: past that the page
 * is refused ({@link #tooMany}), since a page cut short would read as series that vanished. Called from the HTTP
 * client's thread, one line at a time; read once the answer is whole.
 */
final class ScrapePage implements Consumer<String> {
    private final int maxKept;
    private final StringBuilder kept = new StringBuilder();
    private long keptSamples;
    private long leftOut;
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
                    && ServerSeriesNames.usesFamily(parts[1]) && !tooMany) {
                kept.append(raw, i, raw.length()).append('\n');
            }
            return;
        }
        int end = i;
        while (end < raw.length() && raw.charAt(end) != '{' && raw.charAt(end) != ' ' && raw.charAt(end) != '\t') {
            end++;
        }
        if (!ServerSeriesNames.uses(raw.substring(i, end))) {
            leftOut++;
            return;
        }
        if (keptSamples == maxKept) {
            tooMany = true;
            kept.setLength(0);
        }
        keptSamples++;
        if (!tooMany) {
            kept.append(raw, i, raw.length()).append('\n');
        }
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

    /** Whether more than the bound of samples the analyses read were on the page. */
    boolean tooMany() {
        return tooMany;
    }
}
