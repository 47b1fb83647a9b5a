package autoglm.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import autoglm.analyse.samples.RunAnalysis;
import autoglm.model.trace.NamePool;
import autoglm.model.trace.ShapePool;
import autoglm.model.trace.DataLoss;
import autoglm.model.trace.GpuActivities;
import autoglm.model.trace.TraceModel;
import autoglm.read.TraceModelBuilder;
import autoglm.model.trace.TraceSource;
import autoglm.model.trace.ReadCounts;
import autoglm.model.trace.TraceHeader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cross-check of a kernel recording against the GPU's busy window from NVML. */
class KernelCoverageTest {
    /** One kernel ending at 1,700,000,001,000 ms since the epoch (ns in the model). */
    private static TraceModel recordingEndingAt(long endMs) {
        NamePool names = new NamePool();
        TraceModelBuilder b = new TraceModelBuilder(names, new ShapePool());
        b.gpuActivity(GpuActivities.KERNEL, (endMs - 1) * 1_000_000L, 1_000_000L, 0, 7, 1, names.intern("k"), -1,
                Float.NaN, Float.NaN);
        return b.build(new TraceSource("x", false, 1, 1, 1, 1, TraceSource.CUPTI),
                new TraceHeader(null, null, null, null, null, null, null, null, null, List.of(), false), new ReadCounts());
    }

    private static RunAnalysis busyUntil(double endMs) {
        return new RunAnalysis(null, null, List.of(0), endMs - 60_000, endMs, DataLoss.empty());
    }

    @Test
    void aRecordingThatStopsWhileTheGpuStaysBusyIsDataLoss() {
        TraceModel m = recordingEndingAt(1_700_000_001_000L);
        assertEquals("the kernel recording ends 3.5 s before the GPU's last busy sample: another CUPTI client "
                + "(torch.profiler, Nsight) probably took over the recording, and the GPU work after it is missing "
                + "from the timeline", KernelCoverage.stoppedEarly(busyUntil(1_700_000_004_500.0), m));
    }

    @Test
    void aRecordingThatCoversTheBusyWindowIsFine() {
        TraceModel m = recordingEndingAt(1_700_000_001_000L);
        assertNull(KernelCoverage.stoppedEarly(busyUntil(1_700_000_002_900.0), m));
        assertNull(KernelCoverage.stoppedEarly(busyUntil(Double.NaN), m));
    }
}
