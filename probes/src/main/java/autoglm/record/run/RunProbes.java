package autoglm.record.run;

import autoglm.model.run.RunInfo;
import autoglm.record.GpuProbe;
import autoglm.record.Sampler;
import autoglm.record.host.HostProbe;
import autoglm.record.nvml.NvmlProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The probes of one run: the GPU probe (absent when NVML is: host sampling goes on), the host probe, and, once the
 * run folder exists, the sampler writing both into it. Closing stops the sampler (it writes its last round) and
 * closes the probes; what cannot be written then is the sampler's data loss.
 */
final class RunProbes implements AutoCloseable {
    private final GpuProbe gpu;
    private final RunInfo.Nvml nvml;
    private final HostProbe host = new HostProbe();
    private Sampler sampler;

    private RunProbes(GpuProbe gpu, RunInfo.Nvml nvml) {
        this.gpu = gpu;
        this.nvml = nvml;
    }

    static RunProbes open(Profiler.GpuProbeFactory gpus, RunInfo.Settings settings, Consumer<String> notes) {
        try {
            GpuProbe gpu = gpus.open(settings);
            return new RunProbes(gpu, gpu.driver());
        } catch (NvmlProbe.Unavailable e) {
            notes.accept(e.getMessage() + ": GPU sampling is off, host sampling goes on, GPU rules will not be "
                    + "applicable");
            return new RunProbes(null, RunInfo.Nvml.absent(e.getMessage()));
        }
    }

    /** run.json's part of it: what NVML and the GPUs are, the host, and the settings. */
    RunInfo starting(String name, List<String> command, long startMs, RunInfo.Settings settings) {
        String workingDir = Path.of("").toAbsolutePath().toString();
        RunInfo.Host machine = new RunInfo.Host(host.hostname(), host.osName(), host.cpuName(), host.logicalCores(),
                host.memoryBytes());
        return new RunInfo(RunInfo.SCHEMA, name, List.copyOf(command), workingDir, startMs, 0, RunInfo.RUNNING, false,
                null, "autoglm stopped before the run ended", machine,
                nvml, gpu == null ? List.of() : gpu.gpus(), settings, Map.of(), null);
    }

    /** The sampler of {@code folder}, not started yet; {@code pids}: the command's processes. */
    Sampler sampler(Path folder, RunInfo.Settings settings, Supplier<Set<Long>> pids) throws IOException {
        sampler = new Sampler(folder, gpu, host, settings, pids);
        return sampler;
    }

    @Override
    public void close() {
        if (sampler != null) {
            try {
                sampler.close();
            } catch (IOException e) {
                // the rows written so far are on disk; run.json counts the loss
            }
        }
        host.close();
        if (gpu != null) {
            gpu.close();
        }
    }
}
