package autoglm.report;

import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.rules.Counted;
import java.util.Locale;

/**
 * How many events a finding was judged on, as text, where the count held its score down: "6 long gaps between
 * tokens, 10 for full weight: score 79 x 0.77 = 61". Empty where the count gave full weight or the rule counts
 * nothing.
 */
final class CountText {
    private CountText() {
    }

    static String text(Counted c) {
        if (c == null || !c.weighed() || Double.isNaN(c.unweightedScore())) {
            return "";
        }
        return Quantities.format(c.n(), Unit.COUNT) + " " + c.of() + ", " + Quantities.setting(c.full(), Unit.COUNT)
                + " for full weight: score " + String.format(Locale.ROOT, "%.0f x %.2f = %.0f", c.unweightedScore(),
                        c.weight(), c.unweightedScore() * c.weight());
    }
}
