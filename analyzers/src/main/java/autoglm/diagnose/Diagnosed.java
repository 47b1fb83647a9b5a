package autoglm.diagnose;

import autoglm.model.run.RunContents;
import autoglm.model.workload.WorkloadLog;

/** A diagnosis and, when the input was a run folder, what the folder held ({@code run}; null for traces). */
public record Diagnosed(Diagnosis diagnosis, RunContents run) {
    /** The workload's events of a run folder, or null (a trace, or a run without the workload). */
    public WorkloadLog workload() {
        return run == null ? null : run.workload();
    }

    /** Why the workload's events could not be read, or null. */
    public String workloadProblem() {
        return run == null ? null : run.workloadProblem();
    }
}
