package autoglm.analyse.samples;

import autoglm.analyse.Metrics;
import autoglm.model.run.RunRecording;
import autoglm.model.trace.DataLoss;
import java.util.List;

/**
 * What the analyses found in a run's samples: the metrics, the GPUs the command used, the active window
 * (unix ms; NaN when no GPU was used) and the data loss (probe errors, unreadable rows).
 */
public record RunAnalysis(RunRecording recording, Metrics metrics, List<Integer> gpusUsed, double windowStartMs,
        double windowEndMs, DataLoss dataLoss) {
}
