package autoglm.analyse.trace;

import autoglm.analyse.Metrics;
import autoglm.model.trace.DataLoss;
import autoglm.model.trace.TraceModel;

/** Everything the analyses found in one trace: metrics, breakdown tables, the window and the data loss. */
public record TraceAnalysis(TraceModel model, Window window, Metrics metrics, Breakdown breakdown, DataLoss dataLoss) {
}
