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

    /**
     * What a load run lost or refused: the scrapes of the server's /metrics that failed (by reason, as load.json's
     * scrape_errors counts them), the values of its pages the analyses refused (docs/analyses.md#server-metrics), and
     * the measured requests whose usage was refused (autoglm.model.load.Usage: their text chunks counted instead).
     */
    static DataLoss of(autoglm.model.load.LoadRecording load) {
        DataLoss loss = DataLoss.empty();
        for (Map.Entry<String, Long> e : new java.util.TreeMap<>(load.scrapeErrors()).entrySet()) {
            loss = loss.with(DataLoss.Group.PROBE, "scrape errors of the server's /metrics: " + e.getKey(),
                    e.getValue());
        }
        for (Map.Entry<String, Long> e : autoglm.analyse.ServerMetricsAnalysis.refused(load.scrapes()).entrySet()) {
            loss = loss.with(DataLoss.Group.MALFORMED, e.getKey(), e.getValue());
        }
        Map<String, Long> usage = new java.util.TreeMap<>();
        for (autoglm.model.load.LoadRequest r : load.measured()) {
            if (r.usageRefused() != null) {
                usage.merge(r.usageRefused(), 1L, Long::sum);
            }
        }
        for (Map.Entry<String, Long> e : usage.entrySet()) {
            loss = loss.with(DataLoss.Group.MALFORMED, "requests whose usage was refused (their text chunks counted "
                    + "instead): " + e.getKey(), e.getValue());
        }
        return loss;
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
