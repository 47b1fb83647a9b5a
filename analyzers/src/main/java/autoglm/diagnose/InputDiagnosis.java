package autoglm.diagnose;

import autoglm.analyse.trace.TraceAnalysis;
import autoglm.rules.Finding;
import java.util.List;

/** One input's analysis and its ranked findings. */
public record InputDiagnosis(TraceAnalysis analysis, List<Finding> findings) {
}
