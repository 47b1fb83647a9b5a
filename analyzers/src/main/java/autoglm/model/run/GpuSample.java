package autoglm.model.run;

/**
 * One NVML reading of one GPU. Values that could not be read are NaN (never zero); the reason is
 * counted as data loss by the sampler. {@code clockReasons} is NVML's clock event reason bit mask, or
 * -1 when unknown. The process fields cover the profiled process tree only. PCIe throughput comes from
 * nvmlDeviceGetPcieThroughput on GPUs without GPM (on GPM GPUs it is in the GPM samples), else NaN.
 */
public record GpuSample(
        double timeMs,
        int gpu,
        String gpuUuid,
        double utilPct,
        double memUtilPct,
        double memUsedBytes,
        double memReservedBytes,
        double memTotalBytes,
        double powerW,
        double smClockMhz,
        double memClockMhz,
        long clockReasons,
        double tempC,
        double procMemBytes,
        double procSmPct,
        double procMemUtilPct,
        double pcieTxMibS,
        double pcieRxMibS) {
}
