package autoglm.verify;

import autoglm.diagnose.Diagnosis;
import autoglm.model.workload.WorkloadLog;

/**
 * One run of the workload as verification needs it: the run's name (its folder's), how it ended ({@code
 * interruptedBy} the signal's name or null; {@code exitCode} null when unknown; {@code note} the runner's word on
 * the exit), its diagnosis, and the workload's events (null when absent, {@code workloadProblem} when unreadable).
 */
public record RunOutcome(String run, String interruptedBy, Integer exitCode, String note, Diagnosis diagnosis,
        WorkloadLog workload, String workloadProblem) {

    /** What the workload said went wrong: its error event, or why its events could not be read. */
    public String workloadError() {
        return workload != null && workload.error() != null ? workload.error().message() : workloadProblem;
    }
}
