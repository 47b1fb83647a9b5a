package autoglm.result;

import autoglm.analyse.ranks.RankTable;
import java.util.List;

/**
 * The per-rank table of a result with several ranks (docs/formats.md#ranks): how the steps were aligned, and per rank
 * its step, busy, idle, communication and collective-wait figures, in ms and percent (null for n/a).
 */
public record RanksEntry(String alignment, Integer alignedSteps, Long matchedCollectives, String slowest,
        List<Row> rows) {

    public record Row(String label, Integer rank, Integer steps, Double stepMs, Double busyPct, Double idleHostWaitPct,
            Double idleKernelWaitPct, Double idleOtherPct, Double commPct, Double commOverlapPct,
            Double computeMsPerStep, Double commMsPerStep, Double collectiveWaitMsPerStep) {
    }

    public static RanksEntry of(RankTable t) {
        return new RanksEntry(t.alignment(), t.alignedSteps(), t.matchedCollectives(), t.slowest(), t.rows().stream()
                .map(r -> new Row(r.label(), r.rank(), r.steps(), r.stepMs(), r.busyPct(), r.hostWaitPct(),
                        r.kernelWaitPct(), r.otherIdlePct(), r.commPct(), r.overlapPct(), r.computeMsPerStep(),
                        r.commMsPerStep(), r.collectiveWaitMsPerStep()))
                .toList());
    }
}
