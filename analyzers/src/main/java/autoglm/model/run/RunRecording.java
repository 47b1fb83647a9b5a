package autoglm.model.run;

import java.util.List;
import java.util.Map;

/**
 * A run as read back from its folder: run.json and the samples, in time order, with what could not be
 * read counted in {@code readLoss} (a line cut short by a crash, say).
 */
public record RunRecording(String path, RunInfo info, List<GpuSample> gpu, List<GpmSample> gpm,
        List<HostSample> host, Map<String, Long> readLoss) {
}
