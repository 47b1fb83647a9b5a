package autoglm.report;

import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.rules.Finding;
import autoglm.rules.Gain;
import autoglm.rules.GainOverlap;
import java.util.ArrayList;
import java.util.List;

/**
 * A finding's gain as text: "estimated 47.1% of the GPU span (64.0 ms per iteration): basis", its base named by the
 * rule ({@link autoglm.rules.GainBase}); and the overlaps of gains on one base ({@link GainOverlap}).
 */
final class GainText {
    private GainText() {
    }

    /** What the percentage is of: "of request latency (E2EL)". */
    static String of(Finding f) {
        return f.gain().base() == null ? "of its base" : "of " + f.gain().base().label();
    }

    static String text(Finding f) {
        Gain g = f.gain();
        if (!g.applicable()) {
            return "not applicable: " + g.basis();
        }
        return g.kind() + " " + Quantities.format(g.percent(), Unit.PERCENT) + " " + of(f)
                + (Double.isNaN(g.msPerStep()) ? "" : " (" + Quantities.format(g.msPerStep(), Unit.MILLISECONDS)
                        + " per iteration)")
                + ": " + g.basis() + bound(g);
    }

    /** "; capped at its bound, F (35.0%), the share of ... the cause takes" where the formula gave more. */
    private static String bound(Gain g) {
        if (!g.capped()) {
            return "";
        }
        if (!(g.bound() < 100)) {
            return "; capped at 100%";
        }
        return "; capped at its bound, " + g.boundFormula() + " (" + Quantities.format(g.bound(), Unit.PERCENT)
                + "), the share of " + g.base().label() + " the cause takes";
    }

    /** "estimated 47.1%", for tables. */
    static String shortText(Finding f) {
        if (!f.gain().applicable()) {
            return "not applicable";
        }
        return f.gain().kind() + " " + Quantities.format(f.gain().percent(), Unit.PERCENT);
    }

    /** The heading of the overlaps' section. */
    static final String OVERLAP_TITLE = "Overlapping gains";

    /** What the section says before its lines. */
    static final String OVERLAP_INTRO = "gains that are shares of one base overlap and are not added: combined "
            + "as 1 - (1 - g1)(1 - g2)..., which takes the shares as independent; two estimates with the same formula "
            + "are the same time, counted once; gains on different bases are not combined";

    /**
     * One line per base where findings' gains overlap: "request latency (E2EL): queueing 58.4%, prefix-cache-miss
     * 45.1%: combined 77.2% (58.4% if each lies within the largest, 100% if none overlap; their sum is 103.5%)".
     */
    static List<String> overlaps(List<Finding> findings) {
        List<String> out = new ArrayList<>();
        for (GainOverlap o : GainOverlap.of(findings)) {
            StringBuilder sb = new StringBuilder(o.base().label()).append(": ");
            double sum = 0;
            for (int i = 0; i < o.parts().size(); i++) {
                GainOverlap.Part p = o.parts().get(i);
                sum += p.sameAs() == null ? p.percent() : 0;
                sb.append(i == 0 ? "" : ", ").append(p.rule()).append(' ')
                        .append(Quantities.format(p.percent(), Unit.PERCENT))
                        .append(Gain.MEASURED.equals(p.kind()) ? " (measured)" : "")
                        .append(p.sameAs() == null ? "" : " (the same time as " + p.sameAs() + "'s, counted once)");
            }
            sb.append(": combined ").append(Quantities.format(o.combinedPct(), Unit.PERCENT)).append(" (")
                    .append(Quantities.format(o.largestPct(), Unit.PERCENT)).append(" if each lies within the largest, ")
                    .append(Quantities.format(o.sumPct(), Unit.PERCENT)).append(" if none overlap")
                    .append(sum > 100 ? "; their sum, " + Quantities.format(sum, Unit.PERCENT) + ", would pass 100%"
                            : "")
                    .append(')');
            out.add(sb.toString());
        }
        return out;
    }
}
