package autoglm.read.run;

import java.util.List;
import java.util.Map;

/**
 * run.json as written by {@link RunInfoJson} (docs/formats.md), bound with {@link autoglm.util.StrictBinding}: a key
 * not named here, or a value of the wrong type, is refused. Boxed fields may be null (a number NVML could not give
 * is written as null).
 */
record RunJsonSpec(Integer schema, String name, List<String> command, String workingDir, String started,
        Long startedUnixMs, String ended, Long endedUnixMs, String status, Boolean complete, Integer exitCode,
        String note, Host host, Nvml nvml, List<Gpu> gpus, Settings settings, Map<String, Long> dataLoss,
        Overhead overhead) {

    record Host(String hostname, String os, String cpu, Integer logicalCores, Long memoryBytes) {
    }

    record Nvml(Boolean available, String reason, String driverVersion, String nvmlVersion, String cudaDriverVersion) {
    }

    record Gpu(Integer index, String name, String uuid, Double memoryTotalBytes, String computeCapability,
            Integer pcieGeneration, Integer pcieWidth, Double pcieLinkGBs, Double powerLimitW, Double maxSmClockMhz,
            Boolean gpmSupported) {
    }

    record Settings(Double intervalMs, Double gpmIntervalMs, Double hostIntervalMs, Boolean kernels) {
    }

    record Overhead(Double samplerCpuMs, Double wallMs, Double samplerCpuPctOfOneCore, Long gpuSamples,
            Long gpmSamples, Long hostSamples) {
    }
}
