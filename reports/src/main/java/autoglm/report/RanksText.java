package autoglm.report;

import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.analyse.ranks.RankRow;
import autoglm.analyse.ranks.RankTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The per-rank table as text lines (terminal and Markdown): a heading, one row per rank, columns that fit. */
final class RanksText {
    private RanksText() {
    }

    static final String ROW = "  %-10s %9s %7s %9s %9s %9s %7s %8s";

    /** The heading line (without style) and the rows. */
    static List<String> lines(RankTable t) {
        List<String> out = new ArrayList<>();
        out.add("Ranks side by side over " + Quantities.format(t.alignedSteps(), Unit.COUNT) + " aligned "
                + (t.alignedSteps() == 1 ? "step" : "steps") + " (" + t.alignment() + "); "
                + (t.matchedCollectives() > 0 ? Quantities.format(t.matchedCollectives(), Unit.COUNT)
                        + " collectives matched" : "no collective matched") + (t.slowest() == null ? ""
                        : "; most computation: " + Text.safe(t.slowest())));
        out.add(String.format(Locale.ROOT, ROW, "rank", "step", "busy", "compute", "NCCL", "coll wait", "overlap",
                "host wait"));
        for (RankRow r : t.rows()) {
            out.add(String.format(Locale.ROOT, ROW, Text.safe(r.label()), ms(r.stepMs()), pct(r.busyPct()),
                    ms(r.computeMsPerStep()), ms(r.commMsPerStep()), ms(r.collectiveWaitMsPerStep()),
                    pct(r.overlapPct()), pct(r.hostWaitPct())));
        }
        out.add("  step: mean CPU-side step time; compute, NCCL, coll wait: GPU time per step; busy: of the GPU span; "
                + "overlap: of NCCL time with computation; host wait: of idle time (docs/analyses.md#ranks)");
        return out;
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "n/a" : Quantities.format(v, Unit.MILLISECONDS);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : Quantities.format(v, Unit.PERCENT);
    }
}
