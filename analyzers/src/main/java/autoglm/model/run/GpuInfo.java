package autoglm.model.run;

import autoglm.util.FiniteOrNull;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * What the run recorded about one GPU: identity, memory, compute capability, PCIe link and limits.
 * Numbers that NVML could not give are NaN (or 0 for the link generation and width); strings may be
 * null. {@code pcieLinkGBs} is the link's usable bandwidth per direction in GB/s (generation x width,
 * line encoding removed), NaN when unknown. Part of run.json's declaration ({@link RunInfo}): NaN is written null.
 */
public record GpuInfo(
        @JsonSetter(nulls = Nulls.AS_EMPTY) int index,
        String name,
        String uuid,
        @JsonSerialize(using = FiniteOrNull.class)
        @JsonDeserialize(using = RunJsonNumbers.NullAsNan.class) double memoryTotalBytes,
        String computeCapability,
        @JsonSetter(nulls = Nulls.AS_EMPTY) int pcieGeneration,
        @JsonSetter(nulls = Nulls.AS_EMPTY) int pcieWidth,
        @JsonSerialize(using = FiniteOrNull.class)
        @JsonDeserialize(using = RunJsonNumbers.NullAsNan.class) double pcieLinkGBs,
        @JsonSerialize(using = FiniteOrNull.class)
        @JsonDeserialize(using = RunJsonNumbers.NullAsNan.class) double powerLimitW,
        @JsonSerialize(using = FiniteOrNull.class)
        @JsonDeserialize(using = RunJsonNumbers.NullAsNan.class) double maxSmClockMhz,
        @JsonSetter(nulls = Nulls.AS_EMPTY) boolean gpmSupported) {

    /** Usable bandwidth of one direction of a PCIe link, GB/s: per-lane rate x width x encoding efficiency. */
    public static double pcieLinkGBs(int generation, int width) {
        if (generation <= 0 || width <= 0) {
            return Double.NaN;
        }
        // GT/s per lane: 2.5 and 5 with 8b/10b line coding, 8 to 32 with 128b/130b, from 64 (PCIe 6) PAM4
        // with FLIT coding, 242 of 256 bytes carrying data
        double gtPerLane = generation <= 5 ? new double[] {2.5, 5, 8, 16, 32}[generation - 1]
                : 64 * Math.pow(2, generation - 6);
        double efficiency = generation <= 2 ? 8.0 / 10 : generation <= 5 ? 128.0 / 130 : 242.0 / 256;
        return gtPerLane * width * efficiency / 8;
    }
}
