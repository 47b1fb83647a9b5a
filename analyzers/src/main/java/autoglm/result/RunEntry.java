package autoglm.result;

import autoglm.analyse.samples.RunAnalysis;
import autoglm.model.run.RunInfo;
import java.time.Instant;
import java.util.List;

/**
 * The {@code run} object of a profiled run's result (docs/formats.md#run): run.json's facts (how it ended, the host,
 * NVML, the GPUs, the sampling settings), the samples taken, the analysis window and the sampler's own CPU.
 */
public record RunEntry(String path, String name, List<String> command, String status, Boolean complete,
        Integer exitCode, String note, String started, String ended, Host host, Nvml nvml, List<Gpu> gpus,
        Settings settings, Samples samples, Window window, Double samplerCpuPctOfOneCore) {

    public record Host(String hostname, String os, String cpu, Integer logicalCores, Long memoryBytes) {
    }

    public record Nvml(Boolean available, String reason, String driverVersion, String cudaDriverVersion) {
    }

    public record Gpu(Integer index, String name, String uuid, Double memoryTotalBytes, String computeCapability,
            Boolean gpmSupported, Boolean used) {
    }

    public record Settings(Double intervalMs, Double gpmIntervalMs, Double hostIntervalMs) {
    }

    public record Samples(Long gpu, Long gpm, Long host) {
    }

    public record Window(Double startUnixMs, Double endUnixMs) {
    }

    public static RunEntry of(RunAnalysis run) {
        RunInfo info = run.recording().info();
        RunInfo.Host h = info.host();
        RunInfo.Nvml n = info.nvml();
        RunInfo.Settings s = info.settings();
        return new RunEntry(run.recording().path(), info.name(), info.command(), info.status(), info.complete(),
                info.exitCode(), info.note(), Instant.ofEpochMilli(info.startedMs()).toString(),
                info.endedMs() > 0 ? Instant.ofEpochMilli(info.endedMs()).toString() : null,
                new Host(h.hostname(), h.os(), h.cpu(), h.logicalCores(), h.memoryBytes()),
                new Nvml(n.available(), n.reason(), n.driverVersion(), n.cudaDriverVersion()),
                info.gpus().stream().map(g -> new Gpu(g.index(), g.name(), g.uuid(), g.memoryTotalBytes(),
                        g.computeCapability(), g.gpmSupported(), run.gpusUsed().contains(g.index()))).toList(),
                new Settings(s.intervalMs(), s.gpmIntervalMs(), s.hostIntervalMs()),
                new Samples((long) run.recording().gpu().size(), (long) run.recording().gpm().size(),
                        (long) run.recording().host().size()),
                new Window(run.windowStartMs(), run.windowEndMs()),
                info.overhead() == null ? null : info.overhead().cpuPctOfOneCore());
    }
}
