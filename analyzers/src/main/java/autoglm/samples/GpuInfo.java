package autoglm.samples;

/**
 * What the run recorded about one GPU: identity, memory, compute capability, PCIe link and limits.
 * Numbers that NVML could not give are NaN (or 0 for the link generation and width); strings may be
 * null. {@code pcieLinkGBs} is the link's usable bandwidth per direction in GB/s (generation x width,
 * line encoding removed), NaN when unknown.
 */
public record GpuInfo(
        int index,
        String name,
        String uuid,
        double memoryTotalBytes,
        String computeCapability,
        int pcieGeneration,
        int pcieWidth,
        double pcieLinkGBs,
        double powerLimitW,
        double maxSmClockMhz,
        boolean gpmSupported) {

    /** Usable bandwidth of one direction of a PCIe link, GB/s: per-lane rate x width x encoding efficiency. */
    public static double pcieLinkGBs(int generation, int width) {
        if (generation <= 0 || width <= 0) {
            return Double.NaN;
        }
        double gtPerLane;
        double efficiency;
        switch (generation) {
            case 1:
                gtPerLane = 2.5;
                efficiency = 8.0 / 10;
                break;
            case 2:
                gtPerLane = 5;
                efficiency = 8.0 / 10;
                break;
            case 3:
                gtPerLane = 8;
                efficiency = 128.0 / 130;
                break;
            case 4:
                gtPerLane = 16;
                efficiency = 128.0 / 130;
                break;
            case 5:
                gtPerLane = 32;
                efficiency = 128.0 / 130;
                break;
            default:
                // PCIe 6 and later: 64 GT/s PAM4 with FLIT encoding (242 of 256 bytes carry data)
                gtPerLane = 64 * Math.pow(2, generation - 6);
                efficiency = 242.0 / 256;
                break;
        }
        return gtPerLane * width * efficiency / 8;
    }
}
