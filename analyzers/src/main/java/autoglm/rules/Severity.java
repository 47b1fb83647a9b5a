package autoglm.rules;

import java.util.Locale;

/** A finding's level: warning (score at least 75), info (at least 25), ok, or not applicable. */
public enum Severity {
    WARNING, INFO, OK, NOT_APPLICABLE;

    public static Severity ofScore(double score) {
        return score >= ScoreCurve.WARNING ? WARNING : score >= ScoreCurve.INFO ? INFO : OK;
    }

    /** "warning", "info", "ok", "not-applicable". */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Severity ofKey(String key) {
        for (Severity s : values()) {
            if (s.key().equalsIgnoreCase(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown severity '" + key + "' (use info or warning)");
    }

    /** Whether this is at least as severe as {@code other} (warning > info > ok > not-applicable). */
    public boolean atLeast(Severity other) {
        return ordinal() <= other.ordinal();
    }
}
