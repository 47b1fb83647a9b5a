package autoglm.read.prometheus;

import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The GPUs of a fleet read back from Prometheus: the DCGM exporter's series ({@code DCGM_FI_DEV_*}, and
 * {@code DCGM_FI_PROF_*} where its profiling metrics are on) and autoglm's own ({@code autoglm_gpu_*}, served by
 * {@code --prometheus-port}), by instance (one exporter: one node) and GPU, as the NVML and GPM samples a run folder
 * holds: one per GPU at each step of the window. The units are converted to the run folder's (percent, bytes, MHz,
 * MiB/s); a series the exporter does not publish leaves its field NaN, never 0. docs/fleet.md lists the names read.
 */
public final class GpuFleetReader {
    /** The names read: DCGM exporter's and autoglm's GPU series. */
    public static final String GPU_NAMES = "DCGM_FI_DEV_.+|DCGM_FI_PROF_.+|autoglm_gpu_.+";

    /** One exporter's GPUs: its labels, where the names came from, and the samples at each step, in time order. */
    public record Instance(String instance, String job, String hostname, String source, Map<Integer, Gpu> gpus,
            List<GpuSample> gpu, List<GpmSample> gpm) {
    }

    /** One GPU as its labels name it. */
    public record Gpu(int index, String uuid, String model) {
    }

    // the field of a sample each series fills, and the factor to the run folder's unit
    private enum Field { UTIL, MEM_UTIL, USED, FREE, RESERVED, TOTAL, POWER, SM_CLOCK, MEM_CLOCK, TEMP, REASONS,
        PROC_MEM, SM_ACTIVE, OCCUPANCY, TENSOR, DRAM, FP16, FP32, PCIE_TX, PCIE_RX }

    private record Source(Field field, double factor) {
    }

    private static final double MIB = 1024 * 1024;
    private static final Map<String, Source> NAMES = names();

    private GpuFleetReader() {
    }

    private static Map<String, Source> names() {
        Map<String, Source> m = new HashMap<>();
        m.put("DCGM_FI_DEV_GPU_UTIL", new Source(Field.UTIL, 1));
        m.put("DCGM_FI_DEV_MEM_COPY_UTIL", new Source(Field.MEM_UTIL, 1));
        m.put("DCGM_FI_DEV_FB_USED", new Source(Field.USED, MIB));
        m.put("DCGM_FI_DEV_FB_FREE", new Source(Field.FREE, MIB));
        m.put("DCGM_FI_DEV_FB_RESERVED", new Source(Field.RESERVED, MIB));
        m.put("DCGM_FI_DEV_POWER_USAGE", new Source(Field.POWER, 1));
        m.put("DCGM_FI_DEV_SM_CLOCK", new Source(Field.SM_CLOCK, 1));
        m.put("DCGM_FI_DEV_MEM_CLOCK", new Source(Field.MEM_CLOCK, 1));
        m.put("DCGM_FI_DEV_GPU_TEMP", new Source(Field.TEMP, 1));
        m.put("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", new Source(Field.REASONS, 1));
        m.put("DCGM_FI_DEV_CLOCKS_EVENT_REASONS", new Source(Field.REASONS, 1));
        m.put("DCGM_FI_PROF_SM_ACTIVE", new Source(Field.SM_ACTIVE, 100));
        m.put("DCGM_FI_PROF_SM_OCCUPANCY", new Source(Field.OCCUPANCY, 100));
        m.put("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", new Source(Field.TENSOR, 100));
        m.put("DCGM_FI_PROF_DRAM_ACTIVE", new Source(Field.DRAM, 100));
        m.put("DCGM_FI_PROF_PIPE_FP16_ACTIVE", new Source(Field.FP16, 100));
        m.put("DCGM_FI_PROF_PIPE_FP32_ACTIVE", new Source(Field.FP32, 100));
        m.put("DCGM_FI_PROF_PCIE_TX_BYTES", new Source(Field.PCIE_TX, 1 / MIB));
        m.put("DCGM_FI_PROF_PCIE_RX_BYTES", new Source(Field.PCIE_RX, 1 / MIB));
        m.put("autoglm_gpu_utilization_ratio", new Source(Field.UTIL, 100));
        m.put("autoglm_gpu_memory_utilization_ratio", new Source(Field.MEM_UTIL, 100));
        m.put("autoglm_gpu_memory_used_bytes", new Source(Field.USED, 1));
        m.put("autoglm_gpu_memory_total_bytes", new Source(Field.TOTAL, 1));
        m.put("autoglm_gpu_power_watts", new Source(Field.POWER, 1));
        m.put("autoglm_gpu_sm_clock_hertz", new Source(Field.SM_CLOCK, 1e-6));
        m.put("autoglm_gpu_memory_clock_hertz", new Source(Field.MEM_CLOCK, 1e-6));
        m.put("autoglm_gpu_temperature_celsius", new Source(Field.TEMP, 1));
        m.put("autoglm_gpu_clock_event_reasons", new Source(Field.REASONS, 1));
        m.put("autoglm_gpu_process_tree_memory_bytes", new Source(Field.PROC_MEM, 1));
        m.put("autoglm_gpu_sm_active_ratio", new Source(Field.SM_ACTIVE, 100));
        m.put("autoglm_gpu_sm_occupancy_ratio", new Source(Field.OCCUPANCY, 100));
        m.put("autoglm_gpu_tensor_active_ratio", new Source(Field.TENSOR, 100));
        m.put("autoglm_gpu_dram_active_ratio", new Source(Field.DRAM, 100));
        return Map.copyOf(m);
    }

    /**
     * The GPU instances {@code selector} picks ("{job=\"dcgm-exporter\"}", or empty for all) from {@code startMs} to
     * {@code endMs}, one sample per GPU every {@code stepMs}; in the order of their instance names.
     */
    public static List<Instance> gpus(PrometheusApi api, String selector, double startMs, double endMs, double stepMs) {
        String query = "{__name__=~\"" + GPU_NAMES + "\"" + FleetReader.matchers(selector) + "}";
        Map<String, Map<Integer, Map<Double, double[]>>> values = new TreeMap<>();
        Map<String, Map<String, String>> firstLabels = new LinkedHashMap<>();
        Map<String, Map<Integer, Gpu>> gpus = new HashMap<>();
        for (PrometheusApi.Series s : api.queryRange(query, startMs, endMs, stepMs)) {
            Source src = NAMES.get(s.name());
            int index = index(s.labels().get("gpu"));
            if (src == null || index < 0) {
                continue;
            }
            String instance = s.labels().getOrDefault("instance", "");
            firstLabels.putIfAbsent(instance, s.labels());
            String uuid = s.labels().getOrDefault("UUID", s.labels().getOrDefault("uuid", ""));
            gpus.computeIfAbsent(instance, k -> new TreeMap<>()).putIfAbsent(index,
                    new Gpu(index, uuid, s.labels().getOrDefault("modelName", "")));
            Map<Double, double[]> byTime = values.computeIfAbsent(instance, k -> new TreeMap<>())
                    .computeIfAbsent(index, k -> new TreeMap<>());
            for (int i = 0; i < s.timesMs().length; i++) {
                double[] row = byTime.computeIfAbsent(s.timesMs()[i], k -> nans());
                row[src.field().ordinal()] = s.values()[i] * src.factor();
            }
        }
        List<Instance> out = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, Map<Double, double[]>>> e : values.entrySet()) {
            Map<String, String> l = firstLabels.get(e.getKey());
            boolean dcgm = l.get("__name__").startsWith("DCGM_");
            String hostname = l.getOrDefault(dcgm ? "Hostname" : "host", "");
            List<GpuSample> gpu = new ArrayList<>();
            List<GpmSample> gpm = new ArrayList<>();
            for (Map.Entry<Integer, Map<Double, double[]>> g : e.getValue().entrySet()) {
                String uuid = gpus.get(e.getKey()).get(g.getKey()).uuid();
                for (Map.Entry<Double, double[]> p : g.getValue().entrySet()) {
                    gpu.add(gpuSample(p.getKey(), g.getKey(), uuid, p.getValue()));
                    GpmSample prof = gpmSample(p.getKey(), g.getKey(), uuid, stepMs, p.getValue());
                    if (prof != null) {
                        gpm.add(prof);
                    }
                }
            }
            gpu.sort(java.util.Comparator.comparingDouble(GpuSample::timeMs));
            gpm.sort(java.util.Comparator.comparingDouble(GpmSample::timeMs));
            out.add(new Instance(e.getKey(), l.getOrDefault("job", ""), hostname, dcgm ? "dcgm" : "autoglm",
                    gpus.get(e.getKey()), gpu, gpm));
        }
        return out;
    }

    private static GpuSample gpuSample(double t, int gpu, String uuid, double[] v) {
        double total = !Double.isNaN(v[Field.TOTAL.ordinal()]) ? v[Field.TOTAL.ordinal()]
                : v[Field.USED.ordinal()] + v[Field.FREE.ordinal()]
                        + (Double.isNaN(v[Field.RESERVED.ordinal()]) ? 0 : v[Field.RESERVED.ordinal()]);
        double reasons = v[Field.REASONS.ordinal()];
        return new GpuSample(t, gpu, uuid, v[Field.UTIL.ordinal()], v[Field.MEM_UTIL.ordinal()], v[Field.USED.ordinal()],
                v[Field.RESERVED.ordinal()], total, v[Field.POWER.ordinal()], v[Field.SM_CLOCK.ordinal()],
                v[Field.MEM_CLOCK.ordinal()], Double.isNaN(reasons) ? -1 : (long) reasons, v[Field.TEMP.ordinal()],
                v[Field.PROC_MEM.ordinal()], Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /** The profiling fields at this step, or null when the exporter published none of them there. */
    private static GpmSample gpmSample(double t, int gpu, String uuid, double stepMs, double[] v) {
        boolean any = false;
        for (Field f : new Field[] {Field.SM_ACTIVE, Field.OCCUPANCY, Field.TENSOR, Field.DRAM, Field.FP16, Field.FP32,
            Field.PCIE_TX, Field.PCIE_RX}) {
            any |= !Double.isNaN(v[f.ordinal()]);
        }
        return !any ? null : new GpmSample(t, gpu, uuid, stepMs, v[Field.SM_ACTIVE.ordinal()],
                v[Field.OCCUPANCY.ordinal()], v[Field.TENSOR.ordinal()], v[Field.DRAM.ordinal()],
                v[Field.FP16.ordinal()], v[Field.FP32.ordinal()], v[Field.PCIE_TX.ordinal()], v[Field.PCIE_RX.ordinal()]);
    }

    private static double[] nans() {
        double[] d = new double[Field.values().length];
        java.util.Arrays.fill(d, Double.NaN);
        return d;
    }

    private static int index(String gpu) {
        try {
            return gpu == null ? -1 : Integer.parseInt(gpu.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
