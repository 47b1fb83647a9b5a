package autoglm.diagnose;

import autoglm.analyse.samples.RunAnalysis;
import autoglm.model.trace.TraceModel;
import java.util.Locale;

/**
 * Checks a run's kernel recording against its NVML samples: when the GPU stayed in use (utilization
 * above zero) well after the last recorded GPU activity, the recording stopped early. That is what
 * happens when another CUPTI client (torch.profiler, Nsight) takes over the activity buffers or switches
 * activity kinds off in the middle of the run, and it would otherwise go unnoticed: the missing kernels
 * would simply look like an idle GPU.
 */
final class KernelCoverage {
    /** How long the GPU may stay busy after the last recorded activity before that counts as a loss. */
    static final double TOLERANCE_MS = 2000;

    private KernelCoverage() {
    }

    /** A data-loss line when the recording ends more than {@link #TOLERANCE_MS} before the GPU's active window; else null. */
    static String stoppedEarly(RunAnalysis run, TraceModel kernels) {
        if (kernels.gpu().size() == 0 || Double.isNaN(run.windowEndMs()) || run.windowEndMs() <= 0) {
            return null;
        }
        double lastMs = kernels.lastEnd() / 1e6;
        double gap = run.windowEndMs() - lastMs;
        if (gap <= TOLERANCE_MS) {
            return null;
        }
        return String.format(Locale.ROOT, "the kernel recording ends %.1f s before the GPU's last busy sample: "
                + "another CUPTI client (torch.profiler, Nsight) probably took over the recording, and the GPU "
                + "work after it is missing from the timeline", gap / 1000);
    }
}
