package autoglm.diagnose.charts;

import autoglm.analyse.trace.Breakdown;
import autoglm.analyse.samples.RunAnalysis;
import autoglm.analyse.trace.TraceAnalysis;
import autoglm.diagnose.Diagnosis;
import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuSample;
import autoglm.model.run.HostSample;
import autoglm.model.workload.WorkloadLog;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Computes the charts of a report from a diagnosis: over time, the NVML, GPM and host samples of a run,
 * or the GPU busy share of a trace's timeline; distributions of iteration times, the workload's step
 * times and latencies, and the gaps between GPU activities; the top kernels.
 */
public final class ChartBuilder {
    /** Buckets of the GPU-busy-over-time chart of a trace. */
    static final int BUSY_BUCKETS = 120;
    static final int TOP_KERNELS = 10;

    private ChartBuilder() {
    }

    public static ChartSet of(Diagnosis d, WorkloadLog workload) {
        return of(d, workload, null);
    }

    /** The same, with a load run's charts ({@link LoadCharts}) when {@code load} is not null. */
    public static ChartSet of(Diagnosis d, WorkloadLog workload, autoglm.model.load.LoadRecording load) {
        List<TimeChart> times = new ArrayList<>();
        List<Histogram> hists = new ArrayList<>();
        if (load != null) {
            LoadCharts.add(load, times, hists);
        }
        if (d.run() != null) {
            samples(d.run(), times);
        }
        TraceAnalysis trace = d.inputs().isEmpty() ? null : d.inputs().get(0).analysis();
        if (trace != null && trace.window().device() >= 0) {
            TimeChart busy = TimelineCharts.busyOverTime(trace, BUSY_BUCKETS);
            if (busy != null) {
                times.add(busy);
            }
            TimeChart queue = TimelineCharts.launchQueue(trace);
            if (queue != null) {
                times.add(queue);
            }
            TimeChart copies = TimelineCharts.copyBandwidth(trace);
            if (copies != null) {
                times.add(copies);
            }
            Histogram steps = TimelineCharts.iterationTimes(trace);
            if (steps != null) {
                hists.add(steps);
            }
            Histogram gaps = TimelineCharts.gaps(trace);
            if (gaps != null) {
                hists.add(gaps);
            }
        }
        if (workload != null) {
            workload(workload, hists);
        }
        Bars top = trace == null ? null : topKernels(trace.breakdown());
        LoadTimeline timeline = load == null ? null : LoadTimelines.of(load, d.run(), trace);
        return new ChartSet(List.copyOf(times), List.copyOf(hists), top, timeline);
    }

    private static void samples(RunAnalysis run, List<TimeChart> out) {
        long start = run.recording().info().startedMs();
        List<Integer> gpus = run.gpusUsed().isEmpty() ? gpusOf(run.recording().gpu()) : run.gpusUsed();
        String src = "NVML samples of the run";
        List<GpuSample> gpu = run.recording().gpu();
        List<GpmSample> gpm = run.recording().gpm();
        List<Series> util = new ArrayList<>();
        List<Series> mem = new ArrayList<>();
        List<Series> power = new ArrayList<>();
        List<Series> act = new ArrayList<>();
        for (int g : gpus) {
            String p = gpus.size() > 1 ? "GPU " + g + " " : "";
            add(util, p + "utilization", gpu, g, start, GpuSample::utilPct);
            add(util, p + "memory utilization", gpu, g, start, GpuSample::memUtilPct);
            add(mem, p + "used GiB", gpu, g, start, s -> s.memUsedBytes() / (1L << 30));
            add(mem, p + "process GiB", gpu, g, start, s -> s.procMemBytes() / (1L << 30));
            add(power, p + "power W", gpu, g, start, GpuSample::powerW);
            addGpm(act, p + "SM active", gpm, g, start, GpmSample::smActivePct);
            addGpm(act, p + "SM occupancy", gpm, g, start, GpmSample::smOccupancyPct);
            addGpm(act, p + "tensor active", gpm, g, start, GpmSample::tensorActivePct);
            addGpm(act, p + "DRAM bandwidth", gpm, g, start, GpmSample::dramBwPct);
        }
        List<TimeChart> charts = new ArrayList<>();
        chart(charts, "gpu-util", "GPU utilization (NVML)", "utilization, %", 100, util, src);
        chart(charts, "gpm-activity", "SM and tensor activity (GPM)", "activity, % of the GPU", 100, act,
                "GPM samples of the run");
        chart(charts, "gpu-memory", "Device memory", "memory, GiB", Double.NaN, mem, src);
        chart(charts, "gpu-power", "Board power", "power, W", Double.NaN, power, src);
        List<HostSample> hs = run.recording().host();
        // the machine's share (0-100%) and the process tree's use in cores (up to 100% per core) differ in scale:
        // two axes, so that neither flattens the other
        Series machine = series("machine CPU", hs, start, HostSample::cpuPct);
        Series tree = series("process tree", hs, start, HostSample::procCpuPct);
        if (machine.size() > 0 || tree.size() > 0) {
            long n = Math.max(machine.size(), tree.size());
            charts.add(new TimeChart("host-cpu", "Host CPU", X_RUN, "machine CPU, % of all cores", 100,
                    machine.size() > 0 ? List.of(machine) : List.of(), "host samples of the run", n,
                    "process tree CPU, % of one core", tree.size() > 0 ? List.of(tree) : List.of(), List.of(),
                    List.of()));
        }
        List<double[]> excluded = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        if (!Double.isNaN(run.windowStartMs()) && run.windowStartMs() > start) {
            excluded.add(new double[] {0, (run.windowStartMs() - start) / 1000.0});
            labels.add("start-up");
        }
        long end = run.recording().info().endedMs();
        if (!Double.isNaN(run.windowEndMs()) && end > run.windowEndMs()) {
            excluded.add(new double[] {(run.windowEndMs() - start) / 1000.0, (end - start) / 1000.0});
            labels.add("tail");
        }
        for (TimeChart c : charts) {
            out.add(excluded.isEmpty() ? c : c.withExcluded(excluded, labels));
        }
    }

    /** The x axis of a run's charts. */
    static final String X_RUN = "time since the command started, s";

    private static List<Integer> gpusOf(List<GpuSample> gpu) {
        return gpu.stream().map(GpuSample::gpu).distinct().sorted().toList();
    }

    private static void chart(List<TimeChart> out, String id, String title, String y, double yMax, List<Series> s,
            String src) {
        s.removeIf(x -> x.size() == 0);
        if (s.isEmpty()) {
            return;
        }
        long n = s.stream().mapToLong(Series::size).max().orElse(0);
        out.add(new TimeChart(id, title, X_RUN, y, yMax, List.copyOf(s), src, n));
    }

    private static void add(List<Series> out, String name, List<GpuSample> all, int gpu, long start,
            ToDoubleFunction<GpuSample> f) {
        out.add(series(name, all.stream().filter(s -> s.gpu() == gpu).toList(), start, GpuSample::timeMs, f));
    }

    private static void addGpm(List<Series> out, String name, List<GpmSample> all, int gpu, long start,
            ToDoubleFunction<GpmSample> f) {
        out.add(series(name, all.stream().filter(s -> s.gpu() == gpu).toList(), start, GpmSample::timeMs, f));
    }

    private static Series series(String name, List<HostSample> all, long start, ToDoubleFunction<HostSample> f) {
        return series(name, all, start, HostSample::timeMs, f);
    }

    /** The samples with a value (NaN readings are left out, never drawn as zero). */
    private static <T> Series series(String name, List<T> all, long start, ToDoubleFunction<T> t,
            ToDoubleFunction<T> f) {
        double[] x = new double[all.size()];
        double[] y = new double[all.size()];
        int n = 0;
        for (T s : all) {
            double v = f.applyAsDouble(s);
            if (!Double.isNaN(v)) {
                x[n] = (t.applyAsDouble(s) - start) / 1000.0;
                y[n] = v;
                n++;
            }
        }
        return new Series(name, java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n));
    }

    private static void workload(WorkloadLog w, List<Histogram> out) {
        List<WorkloadLog.Step> decode = w.measured().stream().filter(s -> !s.prefill()).toList();
        if (!decode.isEmpty()) {
            double[] v = decode.stream().mapToDouble(WorkloadLog.Step::ms).toArray();
            out.add(Bins.latency("decode-steps", "Decode step time", "decode step time", v, v.length,
                    "measured decode steps of the workload", "steps"));
        }
        List<WorkloadLog.Request> req = w.requests();
        if (!req.isEmpty()) {
            double[] ttft = req.stream().mapToDouble(WorkloadLog.Request::ttftMs).filter(x -> !Double.isNaN(x)).toArray();
            double[] e2e = req.stream().mapToDouble(WorkloadLog.Request::e2eMs).filter(x -> !Double.isNaN(x)).toArray();
            if (ttft.length > 0) {
                out.add(Bins.latency("ttft", "Time to first token", "time to first token", ttft, ttft.length,
                        "requests of the workload", "requests"));
            }
            if (e2e.length > 0) {
                out.add(Bins.latency("e2e", "End-to-end latency", "end-to-end latency", e2e, e2e.length,
                        "requests of the workload", "requests"));
            }
        }
    }

    private static Bars topKernels(Breakdown b) {
        List<Breakdown.KernelStat> k = b.kernels();
        if (k.isEmpty()) {
            return null;
        }
        int n = Math.min(TOP_KERNELS, k.size());
        List<String> labels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            labels.add("#" + (i + 1));
            names.add(k.get(i).name());
            v[i] = k.get(i).totalMs();
        }
        return new Bars("top-kernels", "Top kernels by total time", "total time, ms", List.copyOf(labels), v,
                b.kernelCount() + " kernels in the analysed window", List.copyOf(names));
    }
}
