package autoglm.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The one order of findings, used by the rule engine, by the combination of several inputs, after --verify, and
 * stated in every report's header ({@link #DESCRIPTION}); docs/analyses.md#ranking says the same.
 *
 * <ol>
 * <li>Reported findings (warning, info), then ok, then not applicable.</li>
 * <li>Among reported findings: first the warnings whose gain is not estimated (a risk such as memory headroom,
 * whose cost is an out-of-memory failure rather than time; nothing says they are small); then every finding
 * with a gain, by that gain, highest first: the measured gain where --verify measured it, else the estimated one;
 * then the infos whose gain is not estimated.</li>
 * <li>Ties: warning before info, then the higher score, then the rule id.</li>
 * </ol>
 */
public final class Ranking {
    /** What the order is, in one line, for report headers. */
    public static final String DESCRIPTION = "ranked by gain (measured where verified, else estimated), highest "
            + "first; warnings without a gain estimate before them, infos without one after";

    public static final Comparator<Finding> ORDER = Comparator
            .comparingInt(Ranking::band)
            .thenComparingInt(Ranking::tier)
            .thenComparing(Comparator.comparingDouble(Ranking::gain).reversed())
            .thenComparingInt((Finding f) -> f.severity().ordinal())
            .thenComparing(Comparator.comparingDouble(Finding::score).reversed())
            .thenComparing(Finding::rule);

    private Ranking() {
    }

    public static List<Finding> sorted(Collection<Finding> findings) {
        List<Finding> out = new ArrayList<>(findings);
        out.sort(ORDER);
        return List.copyOf(out);
    }

    /** 0 reported, 1 ok, 2 not applicable. */
    private static int band(Finding f) {
        return switch (f.severity()) {
            case WARNING, INFO -> 0;
            case OK -> 1;
            case NOT_APPLICABLE -> 2;
        };
    }

    /** Among reported findings: 0 a warning without a gain, 1 a finding with a gain, 2 an info without one. */
    private static int tier(Finding f) {
        if (band(f) != 0 || hasGain(f)) {
            return 1;
        }
        return f.severity() == Severity.WARNING ? 0 : 2;
    }

    private static boolean hasGain(Finding f) {
        return f.gain() != null && f.gain().applicable();
    }

    private static double gain(Finding f) {
        return hasGain(f) ? f.gain().percent() : -1;
    }
}
