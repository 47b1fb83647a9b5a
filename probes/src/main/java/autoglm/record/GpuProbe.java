package autoglm.record;

import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuInfo;
import autoglm.model.run.GpuSample;
import autoglm.model.run.RunInfo;
import java.util.List;
import java.util.Set;

/**
 * A source of GPU readings: NVML on a machine with a driver ({@code NvmlProbe}); a recording replayed
 * in tests. Reads never throw: a failed call becomes a missing value and an entry in the reading's errors.
 */
public interface GpuProbe extends AutoCloseable {
    RunInfo.Nvml driver();

    List<GpuInfo> gpus();

    /**
     * Reads GPU {@code index} at {@code timeMs}; {@code pids} are the profiled process tree, for the
     * per-process figures.
     */
    ProbeRead<GpuSample> read(int index, Set<Long> pids, double timeMs);

    /**
     * Takes a GPM sample of GPU {@code index} at {@code timeMs} and returns the metrics over the
     * {@code intervalMs} since the previous one, or null on the first call or when the GPU has no GPM.
     */
    ProbeRead<GpmSample> readGpm(int index, double timeMs, double intervalMs);

    @Override
    void close();
}
