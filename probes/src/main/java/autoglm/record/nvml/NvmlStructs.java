package autoglm.record.nvml;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * The NVML structures autoglm passes, declared as in nvml.h (docs/nvml.md lists each with its header
 * source, size and offsets; NvmlStructsTest checks JNA's layout against those numbers). The sampler does
 * not fill these objects on its hot path: it reuses native buffers and reads fields at the offsets these
 * declarations give ({@link #offset}).
 */
public final class NvmlStructs {
    /** NVML_GPM_METRIC_MAX of the newest header seen (driver 550 on): the metrics array's length. */
    public static final int GPM_METRIC_MAX = 333;

    private NvmlStructs() {
    }

    /** Offset of a field in a structure, as JNA lays it out for this platform. */
    public static int offset(Structure s, String field) {
        return ((Layout) s).offsetOf(field);
    }

    /** A structure whose field offsets can be read from outside it. */
    public abstract static class Layout extends Structure {
        public int offsetOf(String field) {
            return fieldOffset(field);
        }
    }

    /** nvmlUtilization_t: unsigned int gpu, memory. */
    @FieldOrder({"gpu", "memory"})
    public static class Utilization extends Layout {
        public int gpu;
        public int memory;
    }

    /** nvmlMemory_t (v1): unsigned long long total, free, used. */
    @FieldOrder({"total", "free", "used"})
    public static class Memory extends Layout {
        public long total;
        public long free;
        public long used;
    }

    /** nvmlMemory_v2_t: unsigned int version; unsigned long long total, reserved, free, used. */
    @FieldOrder({"version", "total", "reserved", "free", "used"})
    public static class MemoryV2 extends Layout {
        public int version;
        public long total;
        public long reserved;
        public long free;
        public long used;
    }

    /** nvmlProcessInfo_t as the _v2 and _v3 running-process calls fill it: pid, usedGpuMemory, gpuInstanceId, computeInstanceId. */
    @FieldOrder({"pid", "usedGpuMemory", "gpuInstanceId", "computeInstanceId"})
    public static class ProcessInfo extends Layout {
        public int pid;
        public long usedGpuMemory;
        public int gpuInstanceId;
        public int computeInstanceId;
    }

    /** nvmlProcessUtilizationSample_t: pid, timeStamp (us), smUtil, memUtil, encUtil, decUtil. */
    @FieldOrder({"pid", "timeStamp", "smUtil", "memUtil", "encUtil", "decUtil"})
    public static class ProcessUtilizationSample extends Layout {
        public int pid;
        public long timeStamp;
        public int smUtil;
        public int memUtil;
        public int encUtil;
        public int decUtil;
    }

    /** nvmlGpmSupport_t: version (NVML_GPM_SUPPORT_VERSION = 1), isSupportedDevice. */
    @FieldOrder({"version", "isSupportedDevice"})
    public static class GpmSupport extends Layout {
        public int version;
        public int isSupportedDevice;
    }

    /** nvmlGpmMetric_t: metricId, nvmlReturn, double value, metricInfo {char *shortName, *longName, *unit}. */
    @FieldOrder({"metricId", "nvmlReturn", "value", "shortName", "longName", "unit"})
    public static class GpmMetric extends Layout {
        public int metricId;
        public int nvmlReturn;
        public double value;
        public Pointer shortName;
        public Pointer longName;
        public Pointer unit;
    }

    /**
     * nvmlGpmMetricsGet_t: version (NVML_GPM_METRICS_GET_VERSION = 1), numMetrics, nvmlGpmSample_t sample1,
     * sample2 (each a struct holding one pointer), nvmlGpmMetric_t metrics[NVML_GPM_METRIC_MAX].
     */
    @FieldOrder({"version", "numMetrics", "sample1", "sample2", "metrics"})
    public static class GpmMetricsGet extends Layout {
        public int version;
        public int numMetrics;
        public Pointer sample1;
        public Pointer sample2;
        public GpmMetric[] metrics = (GpmMetric[]) new GpmMetric().toArray(GPM_METRIC_MAX);
    }
}
