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
 *
 * <p>Every value is checked in the run folder's unit (docs/fleet.md, "What is refused"): a finite number within its
 * field's range (percentages 0 to 100, memory 0 to {@value #MAX_BYTES} bytes, power 0 to {@value #MAX_POWER_W} W,
 * clocks 0 to {@value #MAX_CLOCK_MHZ} MHz, temperature {@value #MIN_TEMP_C} to {@value #MAX_TEMP_C} °C, PCIe 0 to
 * {@value #MAX_PCIE_MIB_S} MiB/s, clock reasons a whole bit mask below 2^32); a value refused leaves its field NaN
 * and is counted. The points are checked as {@link Points} does (window, times given twice). At most
 * {@value #MAX_GPU_SAMPLES} GPU samples (one GPU at one step) are made; the rest are left out and counted.
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

    /** The most bytes of GPU memory believed. */
    public static final double MAX_BYTES = 1e15;
    /** The most power believed of one GPU, in W. */
    public static final double MAX_POWER_W = 10_000;
    /** The fastest clock believed, in MHz. */
    public static final double MAX_CLOCK_MHZ = 100_000;
    /** The temperatures believed, in °C. */
    public static final double MIN_TEMP_C = -50;
    public static final double MAX_TEMP_C = 200;
    /** The most PCIe throughput believed, in MiB/s. */
    public static final double MAX_PCIE_MIB_S = 1e6;
    /** The most GPU samples (one GPU at one step) read back in one diagnosis. */
    public static final int MAX_GPU_SAMPLES = 100_000;

    static final String NOT_FINITE = "GPU values refused: not a finite number";
    static final String NO_INDEX = "GPU series points refused: no numeric gpu label";
    static final String CUT = "GPU samples left out past the limit of " + String.format(java.util.Locale.ROOT, "%,d",
            MAX_GPU_SAMPLES) + ": narrow --gpu-selector or the window, or lengthen --step";

    // the field of a sample each series fills, with its range in the run folder's unit
    private enum Field {
        UTIL(0, 100), MEM_UTIL(0, 100), USED(0, MAX_BYTES), FREE(0, MAX_BYTES), RESERVED(0, MAX_BYTES),
        TOTAL(0, MAX_BYTES), POWER(0, MAX_POWER_W), SM_CLOCK(0, MAX_CLOCK_MHZ), MEM_CLOCK(0, MAX_CLOCK_MHZ),
        TEMP(MIN_TEMP_C, MAX_TEMP_C), REASONS(0, 4294967295.0), PROC_MEM(0, MAX_BYTES), SM_ACTIVE(0, 100),
        OCCUPANCY(0, 100), TENSOR(0, 100), DRAM(0, 100), FP16(0, 100), FP32(0, 100), PCIE_TX(0, MAX_PCIE_MIB_S),
        PCIE_RX(0, MAX_PCIE_MIB_S);

        final double min;
        final double max;

        Field(double min, double max) {
            this.min = min;
            this.max = max;
        }

        /** Why a value (in the run folder's unit) is refused, or null. */
        String refusal(double v) {
            if (!Double.isFinite(v)) {
                return NOT_FINITE;
            }
            if (v < min || v > max || this == REASONS && v != Math.rint(v)) {
                return "GPU values refused: " + name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                        + (this == REASONS ? " not a whole bit mask below 2^32" : " outside its range");
            }
            return null;
        }
    }

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
        return gpus(api, selector, startMs, endMs, stepMs, new LinkedHashMap<>());
    }

    /** The same, counting in {@code refused} (reason: values) what was refused or left out. */
    public static List<Instance> gpus(PrometheusApi api, String selector, double startMs, double endMs, double stepMs,
            Map<String, Long> refused) {
        String query = "{__name__=~\"" + GPU_NAMES + "\"" + FleetReader.matchers(selector) + "}";
        PrometheusApi.Answer answer = api.range(query, startMs, endMs, stepMs, NAMES::containsKey);
        answer.left().forEach((k, v) -> refused.merge(k, v, Long::sum));
        Map<String, Map<Integer, Map<Field, List<Points.Of>>>> parts = new TreeMap<>();
        Map<String, Map<String, String>> firstLabels = new LinkedHashMap<>();
        Map<String, Map<Integer, Gpu>> gpus = new HashMap<>();
        for (PrometheusApi.Series s : answer.series()) {
            Source src = NAMES.get(s.name());
            int index = index(s.labels().get("gpu"));
            if (src == null) {
                continue;
            }
            if (index < 0) {
                refused.merge(NO_INDEX, (long) s.values().length, Long::sum);
                continue;
            }
            String instance = s.labels().getOrDefault("instance", "");
            firstLabels.putIfAbsent(instance, s.labels());
            String uuid = s.labels().getOrDefault("UUID", s.labels().getOrDefault("uuid", ""));
            gpus.computeIfAbsent(instance, k -> new TreeMap<>()).putIfAbsent(index,
                    new Gpu(index, uuid, s.labels().getOrDefault("modelName", "")));
            parts.computeIfAbsent(instance, k -> new TreeMap<>()).computeIfAbsent(index,
                    k -> new java.util.EnumMap<>(Field.class)).computeIfAbsent(src.field(), k -> new ArrayList<>())
                    .add(values(Points.checked(s.timesMs(), s.values(), startMs, endMs, refused), src, refused));
        }
        List<Instance> out = new ArrayList<>();
        int[] budget = {MAX_GPU_SAMPLES};
        for (Map.Entry<String, Map<Integer, Map<Field, List<Points.Of>>>> e : parts.entrySet()) {
            Map<String, String> l = firstLabels.get(e.getKey());
            boolean dcgm = l.get("__name__").startsWith("DCGM_");
            String hostname = l.getOrDefault(dcgm ? "Hostname" : "host", "");
            List<GpuSample> gpu = new ArrayList<>();
            List<GpmSample> gpm = new ArrayList<>();
            for (Map.Entry<Integer, Map<Field, List<Points.Of>>> g : e.getValue().entrySet()) {
                String uuid = gpus.get(e.getKey()).get(g.getKey()).uuid();
                samples(g.getKey(), uuid, stepMs, g.getValue(), gpu, gpm, budget, refused);
            }
            gpu.sort(java.util.Comparator.comparingDouble(GpuSample::timeMs));
            gpm.sort(java.util.Comparator.comparingDouble(GpmSample::timeMs));
            out.add(new Instance(e.getKey(), l.getOrDefault("job", ""), hostname, dcgm ? "dcgm" : "autoglm",
                    gpus.get(e.getKey()), gpu, gpm));
        }
        return out;
    }

    /** A series' values in the run folder's unit, those its field refuses left out and counted. */
    private static Points.Of values(Points.Of p, Source src, Map<String, Long> refused) {
        double[] t = new double[p.size()];
        double[] v = new double[p.size()];
        int n = 0;
        for (int i = 0; i < p.size(); i++) {
            double x = p.v()[i] * src.factor();
            String why = src.field().refusal(x);
            if (why != null) {
                refused.merge(why, 1L, Long::sum);
                continue;
            }
            t[n] = p.t()[i];
            v[n++] = x;
        }
        return new Points.Of(java.util.Arrays.copyOf(t, n), java.util.Arrays.copyOf(v, n));
    }

    /**
     * One GPU's samples, one per distinct time of its fields (their series merged: {@link Points#merged}), while the
     * budget of samples lasts; the rest counted as left out.
     */
    private static void samples(int index, String uuid, double stepMs, Map<Field, List<Points.Of>> parts,
            List<GpuSample> gpu, List<GpmSample> gpm, int[] budget, Map<String, Long> refused) {
        Map<Field, Points.Of> fields = new java.util.EnumMap<>(Field.class);
        int total = 0;
        for (Map.Entry<Field, List<Points.Of>> f : parts.entrySet()) {
            Points.Of merged = Points.merged(f.getValue(), refused);
            fields.put(f.getKey(), merged);
            total += merged.size();
        }
        double[] times = new double[total];
        int k = 0;
        for (Points.Of p : fields.values()) {
            System.arraycopy(p.t(), 0, times, k, p.size());
            k += p.size();
        }
        java.util.Arrays.sort(times);
        int distinct = 0;
        for (int i = 0; i < times.length; i++) {
            if (i == 0 || times[i] != times[i - 1]) {
                times[distinct++] = times[i];
            }
        }
        int[] cursor = new int[Field.values().length];
        for (int i = 0; i < distinct; i++) {
            if (budget[0] <= 0) {
                refused.merge(CUT, (long) (distinct - i), Long::sum);
                return;
            }
            budget[0]--;
            double[] row = nans();
            for (Map.Entry<Field, Points.Of> f : fields.entrySet()) {
                int c = cursor[f.getKey().ordinal()];
                Points.Of p = f.getValue();
                if (c < p.size() && p.t()[c] == times[i]) {
                    row[f.getKey().ordinal()] = p.v()[c];
                    cursor[f.getKey().ordinal()] = c + 1;
                }
            }
            gpu.add(gpuSample(times[i], index, uuid, row));
            GpmSample prof = gpmSample(times[i], index, uuid, stepMs, row);
            if (prof != null) {
                gpm.add(prof);
            }
        }
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
