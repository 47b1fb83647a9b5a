package autoglm.diagnose;

import autoglm.analyse.Metrics;
import autoglm.rules.Finding;
import java.util.List;

/**
 * The serving replicas of a fleet diagnosis (diagnose --prometheus): where they were read, over which window, and each
 * replica's server metrics and the findings of the endpoint rules on them, ranked as a run's are.
 */
public record FleetTable(String prometheus, String selector, double startMs, double endMs, double stepMs,
        List<Row> rows) {
    public FleetTable {
        rows = List.copyOf(rows);
    }

    /** One replica: its instance and job labels, the requests it finished in the window, its metrics and findings. */
    public record Row(String instance, String job, double requests, Metrics metrics, List<Finding> findings) {
        public Row {
            findings = List.copyOf(findings);
        }
    }
}
