package autoglm.diagnose;

import autoglm.analysis.Metrics;
import autoglm.analysis.RunAnalysis;
import autoglm.rules.Finding;
import autoglm.trace.model.DataLoss;
import java.util.List;

/**
 * The answer to "why is this slow": per input, and combined. With one input the combined metrics,
 * findings and data loss are that input's; with several (the ranks of one job), metrics are averaged
 * over inputs, each rule keeps its worst input's finding, and data loss is summed. A profiled run has
 * {@code run} set (its samples' analysis) and its trace inputs, if any, in {@code inputs}.
 */
public record Diagnosis(String tool, String version, List<InputDiagnosis> inputs, Metrics metrics,
        List<Finding> findings, DataLoss dataLoss, RunAnalysis run) {

    public Diagnosis(String tool, String version, List<InputDiagnosis> inputs, Metrics metrics, List<Finding> findings,
            DataLoss dataLoss) {
        this(tool, version, inputs, metrics, findings, dataLoss, null);
    }

    /** The highest severity among the findings. */
    public autoglm.rules.Severity worst() {
        autoglm.rules.Severity worst = autoglm.rules.Severity.NOT_APPLICABLE;
        for (Finding f : findings) {
            if (f.severity().ordinal() < worst.ordinal()) {
                worst = f.severity();
            }
        }
        return worst;
    }
}
