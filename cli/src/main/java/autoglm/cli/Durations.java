package autoglm.cli;

import autoglm.util.BadInputException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses "100ms", "0.5s", "2m", "1h" or a bare number of milliseconds. */
final class Durations {
    private static final Pattern P = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m|h)?");

    private Durations() {
    }

    static double millis(String option, String text) {
        Matcher m = P.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new BadInputException(option + " " + text + ": expected a duration such as 100ms, 0.5s, 2m or 1h");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return unit.equals("ms") ? v : unit.equals("s") ? v * 1000 : unit.equals("m") ? v * 60_000 : v * 3_600_000;
    }
}
