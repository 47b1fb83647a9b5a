package autoglm.diagnose;

import autoglm.model.trace.DataLoss;
import autoglm.model.workload.WorkloadLog;
import java.util.Map;

/** Data loss of the parts of a diagnosis, added together. */
final class DataLosses {
    private DataLosses() {
    }

    static DataLoss merge(DataLoss a, DataLoss b) {
        DataLoss total = a;
        for (DataLoss.Group g : DataLoss.Group.values()) {
            for (Map.Entry<String, Long> e : b.get(g).entrySet()) {
                total = total.with(g, e.getKey(), e.getValue());
            }
        }
        return total;
    }

    /** What the workload's events lost or left out: malformed lines, unknown kinds, warm-up, a missing end. */
    static DataLoss of(WorkloadLog w) {
        DataLoss loss = DataLoss.empty();
        if (w.malformed() > 0) {
            loss = loss.with(DataLoss.Group.MALFORMED, "workload event lines that are not JSON (cut by a kill?)",
                    w.malformed());
        }
        if (w.unknown() > 0) {
            loss = loss.with(DataLoss.Group.SKIPPED, "workload events of unknown kinds", w.unknown());
        }
        long warm = w.steps().stream().filter(WorkloadLog.Step::warmup).count();
        if (warm > 0) {
            loss = loss.with(DataLoss.Group.EXCLUDED, "warm-up steps of the workload (not measured)", warm);
        }
        if (w.end() == null) {
            loss = loss.with(DataLoss.Group.PROBE, w.error() != null ? "the workload failed: " + w.error().message()
                    : "the workload wrote no end event (killed?)", 1);
        } else if (!"ok".equals(w.end().status())) {
            loss = loss.with(DataLoss.Group.PROBE, "the workload was " + w.end().status()
                    + (w.end().signal() == null ? "" : " by " + w.end().signal()), 1);
        }
        return loss;
    }
}
