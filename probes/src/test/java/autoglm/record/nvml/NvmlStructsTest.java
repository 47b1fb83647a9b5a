package autoglm.record.nvml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Structure;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JNA's layout of every NVML structure autoglm passes, against the sizes and offsets of nvml.h on
 * x86-64 and aarch64 Linux (LP64: unsigned int 4 bytes, unsigned long long and pointers 8, each aligned
 * to its size). The numbers are written out in docs/nvml.md with the header declarations they come from.
 */
class NvmlStructsTest {
    private static void layout(Structure s, int size, Map<String, Integer> offsets) {
        assertEquals(size, s.size(), s.getClass().getSimpleName() + " size");
        offsets.forEach((field, off) -> assertEquals(off, NvmlStructs.offset(s, field),
                s.getClass().getSimpleName() + "." + field));
    }

    @Test
    void utilization() {
        layout(new NvmlStructs.Utilization(), 8, Map.of("gpu", 0, "memory", 4));
    }

    @Test
    void memoryV1() {
        layout(new NvmlStructs.Memory(), 24, Map.of("total", 0, "free", 8, "used", 16));
    }

    @Test
    void memoryV2AndItsVersionWord() {
        layout(new NvmlStructs.MemoryV2(), 40, Map.of("version", 0, "total", 8, "reserved", 16, "free", 24, "used", 32));
        // NVML_STRUCT_VERSION(Memory, 2) = sizeof(nvmlMemory_v2_t) | (2 << 24)
        assertEquals(0x02000028, NvmlProbe.MEMORY_V2_VERSION);
    }

    @Test
    void processInfo() {
        layout(new NvmlStructs.ProcessInfo(), 24, Map.of("pid", 0, "usedGpuMemory", 8, "gpuInstanceId", 16,
                "computeInstanceId", 20));
    }

    @Test
    void processUtilizationSample() {
        layout(new NvmlStructs.ProcessUtilizationSample(), 32, Map.of("pid", 0, "timeStamp", 8, "smUtil", 16,
                "memUtil", 20, "encUtil", 24, "decUtil", 28));
    }

    @Test
    void gpmSupport() {
        layout(new NvmlStructs.GpmSupport(), 8, Map.of("version", 0, "isSupportedDevice", 4));
    }

    @Test
    void gpmMetric() {
        layout(new NvmlStructs.GpmMetric(), 40, Map.of("metricId", 0, "nvmlReturn", 4, "value", 8, "shortName", 16,
                "longName", 24, "unit", 32));
    }

    @Test
    void gpmMetricsGetIsSizedForTheNewestHeader() {
        // 24 bytes of header, then NVML_GPM_METRIC_MAX (333 in headers for driver 550 on) metrics of 40 bytes
        layout(new NvmlStructs.GpmMetricsGet(), 24 + 333 * 40, Map.of("version", 0, "numMetrics", 4, "sample1", 8,
                "sample2", 16, "metrics", 24));
    }

    @Test
    void gpmMetricIdsAreTheHeaders() {
        // nvmlGpmMetricId_t: SM_UTIL 2, SM_OCCUPANCY 3, ANY_TENSOR_UTIL 5, DRAM_BW_UTIL 10, FP16_UTIL 13,
        // FP32_UTIL 12, PCIE_TX_PER_SEC 20, PCIE_RX_PER_SEC 21
        assertEquals(java.util.List.of(2, 3, 5, 10, 13, 12, 20, 21),
                java.util.Arrays.stream(NvmlProbe.GPM_IDS).boxed().toList());
    }

    @Test
    void pcieLinkBandwidth() {
        assertEquals(63.015, autoglm.model.run.GpuInfo.pcieLinkGBs(5, 16), 0.001);
        assertEquals(31.508, autoglm.model.run.GpuInfo.pcieLinkGBs(4, 16), 0.001);
        assertEquals(4.0, autoglm.model.run.GpuInfo.pcieLinkGBs(2, 8), 1e-9);
    }
}
