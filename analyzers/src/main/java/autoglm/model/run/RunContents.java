package autoglm.model.run;

import autoglm.model.trace.TraceModel;
import autoglm.model.workload.WorkloadLog;

/**
 * Everything one run folder recorded, read: the samples; the kernels of its CUPTI recordings, or why there are
 * none ({@code noKernels}); the workload's events, or why there are none ({@code workloadProblem} when they
 * could not be read); the load run's requests and server metrics (autoglm load), or why they could not be read.
 * {@code kernels}, {@code workload} and {@code load} are null when absent, with the reason beside them.
 */
public record RunContents(RunRecording recording, TraceModel kernels, String noKernels, WorkloadLog workload,
        String workloadProblem, autoglm.model.load.LoadRecording load, String loadProblem) {
    /** Why a run has no timeline metrics. */
    public static final String NO_KERNELS =
            "no kernel recording in this run: profile with --kernels, or diagnose a torch.profiler trace";

    public RunContents(RunRecording recording, TraceModel kernels, String noKernels, WorkloadLog workload,
            String workloadProblem) {
        this(recording, kernels, noKernels, workload, workloadProblem, null, null);
    }

    public RunContents {
        if (recording == null) {
            throw new IllegalArgumentException("a run needs its recording");
        }
        if (kernels == null && noKernels == null) {
            noKernels = NO_KERNELS;
        }
    }

    /** A run of samples only: no kernel recording, no workload events. */
    public static RunContents samplesOnly(RunRecording recording) {
        return new RunContents(recording, null, NO_KERNELS, null, null, null, null);
    }
}
