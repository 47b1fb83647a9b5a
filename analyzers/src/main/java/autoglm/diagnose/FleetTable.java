package autoglm.diagnose;

import autoglm.analyse.Metrics;
import autoglm.rules.Finding;
import java.util.List;

/**
 * The instances of a fleet diagnosis (diagnose --prometheus): where they were read, over which window, each serving
 * replica's server metrics and each GPU instance's (DCGM exporter or autoglm) GPU metrics, with the findings of the
 * rules on them; rows ranked by their highest finding score, then by requests.
 */
public record FleetTable(String prometheus, String selector, String gpuSelector, double startMs, double endMs,
        double stepMs, List<Row> rows, List<Node> nodes) {
    public FleetTable {
        rows = List.copyOf(rows);
        nodes = List.copyOf(nodes);
    }

    /**
     * One replica: its instance and job labels, the model it serves, the requests it finished in the window, its
     * metrics and findings.
     */
    public record Row(String instance, String job, String model, double requests, Metrics metrics,
            List<Finding> findings) {
        public Row {
            findings = List.copyOf(findings);
        }
    }

    /**
     * One GPU instance (an exporter, a node): its instance and job labels, the host it names, where its series came
     * from ("dcgm" or "autoglm"), its GPUs, metrics and findings.
     */
    public record Node(String instance, String job, String hostname, String source, int gpus, Metrics metrics,
            List<Finding> findings) {
        public Node {
            findings = List.copyOf(findings);
        }
    }

    /** The highest score among the findings that apply, for ranking (-1 when none applies). */
    public static double topScore(List<Finding> findings) {
        double top = -1;
        for (Finding f : findings) {
            top = Math.max(top, f.score());
        }
        return top;
    }
}
