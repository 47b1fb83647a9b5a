package autoglm.cli;

import autoglm.util.BadInputException;
import autoglm.util.SafeText;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of every duration option (load --timeout, --slo, --think-time, --duration, --ready-timeout;
 * diagnose --since, --step; profile --interval, --gpm-interval, --host-interval, --grace; --prometheus-linger):
 * "100ms", "0.5s", "2m", "1h". A number without its unit is refused, never guessed: "--timeout 60" once meant 60 ms.
 */
final class Durations {
    static final String UNITS = "ms, s, m or h";
    private static final Pattern P = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m|h)?");

    private Durations() {
    }

    /** {@code text} as given to {@code option}, in milliseconds. */
    static double millis(String option, String text) {
        return millis(option, text, text);
    }

    /**
     * {@code text}, a part of what was given to {@code option} ({@code given}: "ttft=2" of --slo, "1-4" of
     * --think-time), in milliseconds; the error line names the option and what was given.
     */
    static double millis(String option, String text, String given) {
        String said = option + " " + SafeText.oneLine(given);
        Matcher m = P.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new BadInputException(said + ": expected a duration such as 100ms, 0.5s, 2m or 1h");
        }
        if (m.group(2) == null) {
            throw new BadInputException(said + ": a duration needs a unit: " + UNITS + " (for example " + m.group(1)
                    + "s)");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2);
        return unit.equals("ms") ? v : unit.equals("s") ? v * 1000 : unit.equals("m") ? v * 60_000 : v * 3_600_000;
    }
}
