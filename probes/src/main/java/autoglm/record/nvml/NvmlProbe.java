package autoglm.record.nvml;

import autoglm.record.GpuProbe;
import autoglm.record.ProbeRead;
import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuInfo;
import autoglm.model.run.GpuSample;
import autoglm.model.run.RunInfo;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every GPU on the machine through NVML. Native buffers are allocated once per GPU and reused on every
 * read; fields are read at the offsets of {@link NvmlStructs}. One thread reads at a time (the sampler's).
 */
public final class NvmlProbe implements GpuProbe {
    static final int CLOCK_SM = 1;
    static final int CLOCK_MEM = 2;
    static final int TEMPERATURE_GPU = 0;
    static final int PCIE_TX = 0;
    static final int PCIE_RX = 1;
    /** GPM metric ids, in the order of {@link GpmSample}'s metric fields (nvmlGpmMetricId_t). */
    static final int[] GPM_IDS = {2, 3, 5, 10, 13, 12, 20, 21};
    static final String[] GPM_NAMES = {"SM_UTIL", "SM_OCCUPANCY", "ANY_TENSOR_UTIL", "DRAM_BW_UTIL", "FP16_UTIL",
        "FP32_UTIL", "PCIE_TX_PER_SEC", "PCIE_RX_PER_SEC"};
    private static final int PROCESS_SLOTS = 256;

    private static final int UTIL_SIZE = new NvmlStructs.Utilization().size();
    private static final NvmlStructs.MemoryV2 MEM2 = new NvmlStructs.MemoryV2();
    private static final NvmlStructs.Memory MEM1 = new NvmlStructs.Memory();
    private static final NvmlStructs.ProcessInfo PROC = new NvmlStructs.ProcessInfo();
    private static final NvmlStructs.ProcessUtilizationSample PUS = new NvmlStructs.ProcessUtilizationSample();
    private static final NvmlStructs.GpmMetricsGet GPM = new NvmlStructs.GpmMetricsGet();
    private static final NvmlStructs.GpmMetric GPM_METRIC = new NvmlStructs.GpmMetric();
    /** NVML_STRUCT_VERSION(Memory, 2): the structure's size with the version in the top byte. */
    static final int MEMORY_V2_VERSION = MEM2.size() | (2 << 24);

    private final NvmlLibrary nvml;
    private final RunInfo.Nvml driver;
    private final List<Device> devices = new ArrayList<>();
    private final String reasonsCall;
    private final boolean pcieThroughput;

    /** Per-GPU handle, buffers and GPM state. */
    private final class Device {
        final Pointer handle;
        final GpuInfo info;
        final Memory util = new Memory(UTIL_SIZE);
        final Memory mem = new Memory(Math.max(MEM2.size(), MEM1.size()));
        final Memory u32 = new Memory(4);
        final Memory u64 = new Memory(8);
        final Memory procs = new Memory((long) PROC.size() * PROCESS_SLOTS);
        Memory procUtil = new Memory((long) PUS.size() * PROCESS_SLOTS);
        int procUtilSlots = PROCESS_SLOTS;
        final Memory gpmGet;
        long lastProcUtilUs;
        boolean memV2 = true;
        Pointer gpmPrev;
        Pointer gpmCur;
        boolean gpmPrevValid;

        Device(Pointer handle, GpuInfo info) {
            this.handle = handle;
            this.info = info;
            this.gpmGet = info.gpmSupported() ? new Memory(GPM.size()) : null;
            if (info.gpmSupported()) {
                gpmPrev = allocGpm();
                gpmCur = allocGpm();
            }
        }
    }

    private NvmlProbe(NvmlLibrary nvml, RunInfo.Nvml driver, boolean pcieThroughput) {
        this.nvml = nvml;
        this.driver = driver;
        this.pcieThroughput = pcieThroughput;
        this.reasonsCall = nvml.has("nvmlDeviceGetCurrentClocksEventReasons") ? "nvmlDeviceGetCurrentClocksEventReasons"
                : "nvmlDeviceGetCurrentClocksThrottleReasons";
    }

    /** Why NVML cannot be used on this machine. */
    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        public Unavailable(String reason) {
            super(reason);
        }
    }

    /** Loads and initialises NVML and describes every GPU; {@link Unavailable} says why it cannot. */
    public static NvmlProbe open() throws Unavailable {
        return open(false);
    }

    /**
     * As {@link #open()}; with {@code pcieThroughput}, GPUs without GPM are also read for PCIe throughput
     * (nvmlDeviceGetPcieThroughput waits 20 ms per direction, so only at sampling intervals of 100 ms or more).
     */
    public static NvmlProbe open(boolean pcieThroughput) throws Unavailable {
        NvmlLibrary nvml;
        try {
            nvml = NvmlLibrary.load();
        } catch (UnsatisfiedLinkError e) {
            throw new Unavailable(NvmlLibrary.file() + " not found: no NVIDIA driver on this machine");
        }
        int rc = nvml.has("nvmlInit_v2") ? nvml.call("nvmlInit_v2") : nvml.call("nvmlInit");
        if (rc != NvmlReturn.SUCCESS) {
            throw new Unavailable("nvmlInit_v2 failed: " + nvml.errorString(rc));
        }
        RunInfo.Nvml driver = new RunInfo.Nvml(true, null, string(nvml, "nvmlSystemGetDriverVersion"),
                string(nvml, "nvmlSystemGetNVMLVersion"), cudaVersion(nvml));
        NvmlProbe probe = new NvmlProbe(nvml, driver, pcieThroughput);
        Memory count = new Memory(4);
        rc = nvml.has("nvmlDeviceGetCount_v2") ? nvml.call("nvmlDeviceGetCount_v2", count)
                : nvml.call("nvmlDeviceGetCount", count);
        if (rc != NvmlReturn.SUCCESS) {
            probe.close();
            throw new Unavailable("nvmlDeviceGetCount_v2 failed: " + nvml.errorString(rc));
        }
        for (int i = 0; i < count.getInt(0); i++) {
            PointerByReference h = new PointerByReference();
            rc = nvml.call("nvmlDeviceGetHandleByIndex_v2", i, h);
            if (rc == NvmlReturn.SUCCESS) {
                probe.devices.add(probe.new Device(h.getValue(), probe.describe(i, h.getValue())));
            }
        }
        return probe;
    }

    private GpuInfo describe(int index, Pointer dev) {
        Memory buf = new Memory(96);
        String name = nvml.call("nvmlDeviceGetName", dev, buf, 96) == 0 ? buf.getString(0) : null;
        String uuid = nvml.call("nvmlDeviceGetUUID", dev, buf, 96) == 0 ? buf.getString(0) : null;
        Memory a = new Memory(4);
        Memory b = new Memory(4);
        String cc = nvml.call("nvmlDeviceGetCudaComputeCapability", dev, a, b) == 0 ? a.getInt(0) + "." + b.getInt(0) : null;
        int gen = nvml.call("nvmlDeviceGetMaxPcieLinkGeneration", dev, a) == 0 ? a.getInt(0) : 0;
        int width = nvml.call("nvmlDeviceGetMaxPcieLinkWidth", dev, a) == 0 ? a.getInt(0) : 0;
        double power = nvml.call("nvmlDeviceGetEnforcedPowerLimit", dev, a) == 0 ? (a.getInt(0) & 0xffffffffL) / 1000.0
                : Double.NaN;
        double maxSm = nvml.call("nvmlDeviceGetMaxClockInfo", dev, CLOCK_SM, a) == 0 ? a.getInt(0) : Double.NaN;
        Memory m = new Memory(MEM1.size());
        double total = nvml.call("nvmlDeviceGetMemoryInfo", dev, m) == 0 ? m.getLong(MEM1.offsetOf("total")) : Double.NaN;
        Memory support = new Memory(8);
        support.setInt(0, 1);
        support.setInt(4, 0);
        boolean gpm = nvml.call("nvmlGpmQueryDeviceSupport", dev, support) == 0 && support.getInt(4) != 0;
        return new GpuInfo(index, name, uuid, total, cc, gen, width, GpuInfo.pcieLinkGBs(gen, width), power, maxSm, gpm);
    }

    private Pointer allocGpm() {
        PointerByReference p = new PointerByReference();
        return nvml.call("nvmlGpmSampleAlloc", p) == 0 ? p.getValue() : null;
    }

    private static String string(NvmlLibrary nvml, String fn) {
        Memory buf = new Memory(96);
        return nvml.call(fn, buf, 96) == 0 ? buf.getString(0) : null;
    }

    private static String cudaVersion(NvmlLibrary nvml) {
        Memory v = new Memory(4);
        int rc = nvml.has("nvmlSystemGetCudaDriverVersion_v2") ? nvml.call("nvmlSystemGetCudaDriverVersion_v2", v)
                : nvml.call("nvmlSystemGetCudaDriverVersion", v);
        return rc == 0 ? v.getInt(0) / 1000 + "." + (v.getInt(0) % 1000) / 10 : null;
    }

    @Override
    public RunInfo.Nvml driver() {
        return driver;
    }

    @Override
    public List<GpuInfo> gpus() {
        List<GpuInfo> out = new ArrayList<>();
        for (Device d : devices) {
            out.add(d.info);
        }
        return out;
    }

    /** The clock event reasons call this driver has (the "Throttle" name on drivers before r535). */
    public String reasonsCall() {
        return reasonsCall;
    }

    @Override
    public ProbeRead<GpuSample> read(int index, Set<Long> pids, double timeMs) {
        Device d = devices.get(index);
        Map<String, String> errors = new LinkedHashMap<>(2);
        double util = Double.NaN;
        double memUtil = Double.NaN;
        int rc = nvml.call("nvmlDeviceGetUtilizationRates", d.handle, d.util);
        if (ok(rc, "nvmlDeviceGetUtilizationRates", errors)) {
            util = d.util.getInt(0);
            memUtil = d.util.getInt(4);
        }
        double used = Double.NaN;
        double reserved = Double.NaN;
        double total = Double.NaN;
        if (d.memV2) {
            d.mem.setInt(0, MEMORY_V2_VERSION);
            rc = nvml.call("nvmlDeviceGetMemoryInfo_v2", d.handle, d.mem);
            if (rc == NvmlLibrary.MISSING || rc == NvmlReturn.ARGUMENT_VERSION_MISMATCH || rc == NvmlReturn.NOT_SUPPORTED) {
                d.memV2 = false;
            } else if (ok(rc, "nvmlDeviceGetMemoryInfo_v2", errors)) {
                total = d.mem.getLong(MEM2.offsetOf("total"));
                reserved = d.mem.getLong(MEM2.offsetOf("reserved"));
                used = d.mem.getLong(MEM2.offsetOf("used"));
            }
        }
        if (!d.memV2) {
            rc = nvml.call("nvmlDeviceGetMemoryInfo", d.handle, d.mem);
            if (ok(rc, "nvmlDeviceGetMemoryInfo", errors)) {
                total = d.mem.getLong(MEM1.offsetOf("total"));
                used = d.mem.getLong(MEM1.offsetOf("used"));
            }
        }
        double power = u32(d, "nvmlDeviceGetPowerUsage", errors) / 1000.0;
        double sm = u32(d, "nvmlDeviceGetClockInfo", errors, CLOCK_SM);
        double memClk = u32(d, "nvmlDeviceGetClockInfo", errors, CLOCK_MEM);
        long reasons = -1;
        rc = nvml.call(reasonsCall, d.handle, d.u64);
        if (ok(rc, reasonsCall, errors)) {
            reasons = d.u64.getLong(0);
        }
        double temp = u32(d, "nvmlDeviceGetTemperature", errors, TEMPERATURE_GPU);
        double procMem = processMemory(d, pids, errors);
        double[] procUtil = processUtilization(d, pids, errors);
        double tx = Double.NaN;
        double rx = Double.NaN;
        if (pcieThroughput && !d.info.gpmSupported()) {
            // KB/s over a 20 ms window the call waits for; on GPM GPUs PCIe comes from GPM instead
            tx = u32(d, "nvmlDeviceGetPcieThroughput", errors, PCIE_TX) / 1024;
            rx = u32(d, "nvmlDeviceGetPcieThroughput", errors, PCIE_RX) / 1024;
        }
        return new ProbeRead<>(new GpuSample(timeMs, d.info.index(), d.info.uuid(), util, memUtil, used, reserved, total,
                power, sm, memClk, reasons, temp, procMem, procUtil[0], procUtil[1], tx, rx), errors);
    }

    private double u32(Device d, String fn, Map<String, String> errors, Object... extra) {
        Object[] args = new Object[extra.length + 2];
        args[0] = d.handle;
        System.arraycopy(extra, 0, args, 1, extra.length);
        args[args.length - 1] = d.u32;
        int rc = nvml.call(fn, args);
        return ok(rc, fn, errors) ? d.u32.getInt(0) & 0xffffffffL : Double.NaN;
    }

    /** Device memory held by the process tree on this GPU; NaN when none of its processes is listed there. */
    private double processMemory(Device d, Set<Long> pids, Map<String, String> errors) {
        if (pids.isEmpty()) {
            return Double.NaN;
        }
        d.u32.setInt(0, PROCESS_SLOTS);
        String fn = nvml.has("nvmlDeviceGetComputeRunningProcesses_v3") ? "nvmlDeviceGetComputeRunningProcesses_v3"
                : "nvmlDeviceGetComputeRunningProcesses_v2";
        int rc = nvml.call(fn, d.handle, d.u32, d.procs);
        if (!ok(rc, fn, errors)) {
            return Double.NaN;
        }
        int n = Math.min(d.u32.getInt(0), PROCESS_SLOTS);
        double sum = 0;
        boolean found = false;
        int size = PROC.size();
        for (int i = 0; i < n; i++) {
            long pid = d.procs.getInt((long) i * size + PROC.offsetOf("pid")) & 0xffffffffL;
            if (pids.contains(pid)) {
                found = true;
                long bytes = d.procs.getLong((long) i * size + PROC.offsetOf("usedGpuMemory"));
                if (bytes > 0 && bytes != -1L) {
                    sum += bytes;
                }
            }
        }
        return found ? sum : Double.NaN;
    }

    /** {SM %, memory %} of the process tree since the previous read; NaN when NVML has no sample of it. */
    private double[] processUtilization(Device d, Set<Long> pids, Map<String, String> errors) {
        double[] none = {Double.NaN, Double.NaN};
        if (pids.isEmpty()) {
            return none;
        }
        d.u32.setInt(0, d.procUtilSlots);
        int rc = nvml.call("nvmlDeviceGetProcessUtilization", d.handle, d.procUtil, d.u32, d.lastProcUtilUs);
        if (rc == NvmlReturn.INSUFFICIENT_SIZE && d.u32.getInt(0) > d.procUtilSlots) {
            // more samples are buffered than the array holds: grow it to the count NVML asked for, once
            d.procUtilSlots = d.u32.getInt(0) + PROCESS_SLOTS;
            d.procUtil = new Memory((long) PUS.size() * d.procUtilSlots);
            d.u32.setInt(0, d.procUtilSlots);
            rc = nvml.call("nvmlDeviceGetProcessUtilization", d.handle, d.procUtil, d.u32, d.lastProcUtilUs);
        }
        if (rc == NvmlReturn.NOT_FOUND) {
            return none;
        }
        if (!ok(rc, "nvmlDeviceGetProcessUtilization", errors)) {
            return none;
        }
        int n = Math.min(d.u32.getInt(0), d.procUtilSlots);
        int size = PUS.size();
        Map<Long, long[]> latest = new LinkedHashMap<>();
        long maxTs = d.lastProcUtilUs;
        for (int i = 0; i < n; i++) {
            long base = (long) i * size;
            long pid = d.procUtil.getInt(base + PUS.offsetOf("pid")) & 0xffffffffL;
            long ts = d.procUtil.getLong(base + PUS.offsetOf("timeStamp"));
            maxTs = Math.max(maxTs, ts);
            if (pids.contains(pid)) {
                long[] prev = latest.get(pid);
                if (prev == null || ts > prev[0]) {
                    latest.put(pid, new long[] {ts, d.procUtil.getInt(base + PUS.offsetOf("smUtil")) & 0xffffffffL,
                        d.procUtil.getInt(base + PUS.offsetOf("memUtil")) & 0xffffffffL});
                }
            }
        }
        d.lastProcUtilUs = maxTs;
        if (latest.isEmpty()) {
            return none;
        }
        double sm = 0;
        double mem = 0;
        for (long[] v : latest.values()) {
            sm += v[1];
            mem += v[2];
        }
        return new double[] {Math.min(100, sm), Math.min(100, mem)};
    }

    @Override
    public ProbeRead<GpmSample> readGpm(int index, double timeMs, double intervalMs) {
        Device d = devices.get(index);
        if (d.gpmGet == null || d.gpmCur == null || d.gpmPrev == null) {
            return null;
        }
        Map<String, String> errors = new LinkedHashMap<>(2);
        int rc = nvml.call("nvmlGpmSampleGet", d.handle, d.gpmCur);
        if (!ok(rc, "nvmlGpmSampleGet", errors)) {
            d.gpmPrevValid = false;
            return gpmFailed(d, timeMs, intervalMs, errors);
        }
        if (!d.gpmPrevValid) {
            swap(d);
            return null;
        }
        Memory g = d.gpmGet;
        g.setInt(GPM.offsetOf("version"), 1);
        g.setInt(GPM.offsetOf("numMetrics"), GPM_IDS.length);
        g.setPointer(GPM.offsetOf("sample1"), d.gpmPrev);
        g.setPointer(GPM.offsetOf("sample2"), d.gpmCur);
        int base = GPM.offsetOf("metrics");
        int size = GPM_METRIC.size();
        for (int i = 0; i < GPM_IDS.length; i++) {
            g.setInt(base + (long) i * size + GPM_METRIC.offsetOf("metricId"), GPM_IDS[i]);
        }
        rc = nvml.call("nvmlGpmMetricsGet", g);
        swap(d);
        if (!ok(rc, "nvmlGpmMetricsGet", errors)) {
            return gpmFailed(d, timeMs, intervalMs, errors);
        }
        double[] v = new double[GPM_IDS.length];
        for (int i = 0; i < GPM_IDS.length; i++) {
            long off = base + (long) i * size;
            int mrc = g.getInt(off + GPM_METRIC.offsetOf("nvmlReturn"));
            v[i] = mrc == 0 ? g.getDouble(off + GPM_METRIC.offsetOf("value")) : Double.NaN;
            if (mrc != 0) {
                errors.put("nvmlGpmMetricsGet " + GPM_NAMES[i], nvml.errorString(mrc));
            }
        }
        return new ProbeRead<>(new GpmSample(timeMs, d.info.index(), d.info.uuid(), intervalMs, v[0], v[1], v[2], v[3],
                v[4], v[5], v[6], v[7]), errors);
    }

    private static ProbeRead<GpmSample> gpmFailed(Device d, double timeMs, double intervalMs, Map<String, String> errors) {
        double n = Double.NaN;
        return new ProbeRead<>(new GpmSample(timeMs, d.info.index(), d.info.uuid(), intervalMs, n, n, n, n, n, n, n, n),
                errors);
    }

    private static void swap(Device d) {
        Pointer t = d.gpmPrev;
        d.gpmPrev = d.gpmCur;
        d.gpmCur = t;
        d.gpmPrevValid = true;
    }

    private boolean ok(int rc, String fn, Map<String, String> errors) {
        if (rc == NvmlReturn.SUCCESS) {
            return true;
        }
        errors.put(fn, nvml.errorString(rc));
        return false;
    }

    /** A one-off call's result for {@code autoglm doctor}: "ok" or the error. */
    public String check(int index, String what) {
        Device d = devices.get(index);
        int rc;
        switch (what) {
            case "processes":
                d.u32.setInt(0, PROCESS_SLOTS);
                rc = nvml.call("nvmlDeviceGetComputeRunningProcesses_v3", d.handle, d.u32, d.procs);
                break;
            case "process-utilization":
                d.u32.setInt(0, d.procUtilSlots);
                rc = nvml.call("nvmlDeviceGetProcessUtilization", d.handle, d.procUtil, d.u32, 0L);
                if (rc == NvmlReturn.NOT_FOUND) {
                    rc = 0;
                }
                break;
            case "clock-reasons":
                rc = nvml.call(reasonsCall, d.handle, d.u64);
                break;
            case "memory-v2":
                d.mem.setInt(0, MEMORY_V2_VERSION);
                rc = nvml.call("nvmlDeviceGetMemoryInfo_v2", d.handle, d.mem);
                break;
            default:
                throw new IllegalArgumentException(what);
        }
        return rc == 0 ? "ok" : nvml.errorString(rc);
    }

    @Override
    public void close() {
        for (Device d : devices) {
            if (d.gpmPrev != null) {
                nvml.call("nvmlGpmSampleFree", d.gpmPrev);
            }
            if (d.gpmCur != null) {
                nvml.call("nvmlGpmSampleFree", d.gpmCur);
            }
            d.gpmPrev = null;
            d.gpmCur = null;
        }
        nvml.call("nvmlShutdown");
    }
}
