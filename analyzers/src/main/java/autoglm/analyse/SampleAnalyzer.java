package autoglm.analyse;

import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuInfo;
import autoglm.model.run.GpuSample;
import autoglm.model.run.HostSample;
import autoglm.model.run.RunInfo;
import autoglm.model.run.RunRecording;
import autoglm.model.trace.DataLoss;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Turns a run's samples into metrics (docs/analyses.md#samples). Which GPUs count: those the profiled
 * process tree ran on (per-process NVML), else those with any utilization, else those whose used memory
 * grew by at least 256 MiB. The active window runs from the start of the period of the first sample with
 * utilization above zero on those GPUs to the last such sample: the command's start-up (imports, model
 * loading before the first kernel) and its tail are left out. Every statistic is time-weighted
 * ({@link TimeWeighted}); memory peaks are taken over the whole run.
 */
public final class SampleAnalyzer {
    /** Used memory growth that marks a GPU in use without utilization: a heuristic of ours (docs/analyses.md). */
    static final double GROWTH_BYTES = 256.0 * 1024 * 1024;
    private static final String[] GPU_METRICS = {
        "active_window_ms", "startup_excluded_ms", "tail_excluded_ms", "gpus_used", "gpu_util_pct", "gpu_mem_util_pct",
        "gpu_mem_peak_pct", "gpu_mem_peak_bytes", "gpu_mem_total_bytes", "proc_gpu_mem_peak_bytes", "power_w",
        "sm_clock_mhz", "sm_clock_max_mhz", "clock_throttled_pct", "clock_reasons"
    };
    private static final String[] GPM_METRICS = {
        "sm_active_pct", "sm_occupancy_pct", "tensor_active_pct", "dram_bw_pct", "fp16_active_pct", "fp32_active_pct",
        "pcie_tx_gbps", "pcie_rx_gbps", "pcie_link_pct"
    };
    private static final String[] HOST_METRICS = {
        "host_cpu_pct", "host_proc_cpu_pct", "host_busiest_thread_pct", "host_busiest_thread", "host_rss_peak_bytes"
    };

    /** Every metric this analyzer computes (or marks absent with a reason). */
    public static java.util.Set<String> metricNames() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        names.add("run_wall_ms");
        names.add("pcie_link_gbps");
        names.addAll(List.of(GPU_METRICS));
        names.addAll(List.of(GPM_METRICS));
        names.addAll(List.of(HOST_METRICS));
        return names;
    }

    public RunAnalysis analyze(RunRecording rec) {
        RunInfo info = rec.info();
        Metrics.Builder out = new Metrics.Builder();
        double runStart = info.startedMs();
        double runEnd = info.endedMs() > 0 ? info.endedMs() : lastTime(rec, runStart);
        out.put("run_wall_ms", runEnd - runStart, 1);

        Map<Integer, List<GpuSample>> byGpu = new TreeMap<>();
        for (GpuSample s : rec.gpu()) {
            byGpu.computeIfAbsent(s.gpu(), k -> new ArrayList<>()).add(s);
        }
        List<Integer> used = usedGpus(byGpu);
        double gpuInterval = nominal(info.settings().intervalMs(), rec.gpu().stream().mapToDouble(GpuSample::timeMs).toArray());
        double winStart = Double.NaN;
        double winEnd = Double.NaN;
        if (!info.nvml().available()) {
            out.absentAll("no GPU samples: " + info.nvml().reason(), GPU_METRICS);
            out.absentAll("no GPU samples: " + info.nvml().reason(), GPM_METRICS);
            out.absent("pcie_link_gbps", "no GPU samples: " + info.nvml().reason());
        } else if (used.isEmpty()) {
            String why = rec.gpu().isEmpty() ? "no GPU samples were recorded"
                    : "the command did not use a GPU (none of its processes ran on one, no utilization, no memory growth)";
            out.absentAll(why, GPU_METRICS);
            out.absentAll(why, GPM_METRICS);
            out.absent("pcie_link_gbps", why);
        } else {
            double[] w = window(byGpu, used, gpuInterval);
            winStart = w[0];
            winEnd = w[1];
            gpuMetrics(out, byGpu, used, gpuInterval, winStart, winEnd, runStart, runEnd, info);
            gpmMetrics(out, rec, used, winStart, winEnd, info);
            if (!out.has("pcie_rx_gbps")) {
                nvmlPcie(out, byGpu, used, gpuInterval, winStart, winEnd, info);
            }
        }
        double hostStart = Double.isNaN(winStart) ? runStart - 1e9 : winStart;
        double hostEnd = Double.isNaN(winEnd) ? runEnd + 1e9 : winEnd;
        hostMetrics(out, rec, hostStart, hostEnd, info);

        DataLoss loss = DataLoss.empty();
        for (Map.Entry<String, Long> e : info.dataLoss().entrySet()) {
            loss = loss.with(DataLoss.Group.PROBE, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Long> e : rec.readLoss().entrySet()) {
            loss = loss.with(DataLoss.Group.MALFORMED, e.getKey(), e.getValue());
        }
        if (!Double.isNaN(winStart)) {
            long outside = 0;
            for (GpuSample s : rec.gpu()) {
                if (used.contains(s.gpu()) && (s.timeMs() <= winStart || s.timeMs() > winEnd)) {
                    outside++;
                }
            }
            loss = loss.with(DataLoss.Group.EXCLUDED, "GPU samples in the start-up and tail", outside);
            long other = rec.gpu().stream().filter(s -> !used.contains(s.gpu())).count();
            loss = loss.with(DataLoss.Group.EXCLUDED, "GPU samples of GPUs the command did not use", other);
        }
        return new RunAnalysis(rec, out.build(), used, winStart, winEnd, loss);
    }

    /** The GPUs the command used, by the first rule that finds any (see the class comment). */
    static List<Integer> usedGpus(Map<Integer, List<GpuSample>> byGpu) {
        List<Integer> out = new ArrayList<>();
        for (Map.Entry<Integer, List<GpuSample>> e : byGpu.entrySet()) {
            if (e.getValue().stream().anyMatch(s -> s.procMemBytes() > 0 || s.procSmPct() > 0)) {
                out.add(e.getKey());
            }
        }
        if (out.isEmpty()) {
            for (Map.Entry<Integer, List<GpuSample>> e : byGpu.entrySet()) {
                if (e.getValue().stream().anyMatch(s -> s.utilPct() > 0)) {
                    out.add(e.getKey());
                }
            }
        }
        if (out.isEmpty()) {
            for (Map.Entry<Integer, List<GpuSample>> e : byGpu.entrySet()) {
                double first = Double.NaN;
                double max = Double.NaN;
                for (GpuSample s : e.getValue()) {
                    if (!Double.isNaN(s.memUsedBytes())) {
                        first = Double.isNaN(first) ? s.memUsedBytes() : first;
                        max = Double.isNaN(max) ? s.memUsedBytes() : Math.max(max, s.memUsedBytes());
                    }
                }
                if (max - first >= GROWTH_BYTES) {
                    out.add(e.getKey());
                }
            }
        }
        return out;
    }

    /** {start, end} of the active window over the used GPUs; the whole sampled span when none was ever busy. */
    static double[] window(Map<Integer, List<GpuSample>> byGpu, List<Integer> used, double interval) {
        double start = Double.POSITIVE_INFINITY;
        double end = Double.NEGATIVE_INFINITY;
        double first = Double.POSITIVE_INFINITY;
        double last = Double.NEGATIVE_INFINITY;
        for (int g : used) {
            List<GpuSample> s = byGpu.get(g);
            first = Math.min(first, s.get(0).timeMs() - interval);
            last = Math.max(last, s.get(s.size() - 1).timeMs());
            for (int i = 0; i < s.size(); i++) {
                if (s.get(i).utilPct() > 0) {
                    start = Math.min(start, i == 0 ? s.get(i).timeMs() - interval : s.get(i - 1).timeMs());
                    end = Math.max(end, s.get(i).timeMs());
                }
            }
        }
        return start <= end ? new double[] {start, end} : new double[] {first, last};
    }

    private void gpuMetrics(Metrics.Builder out, Map<Integer, List<GpuSample>> byGpu, List<Integer> used,
            double interval, double winStart, double winEnd, double runStart, double runEnd, RunInfo info) {
        long inWindow = 0;
        for (int g : used) {
            for (GpuSample s : byGpu.get(g)) {
                if (s.timeMs() > winStart && s.timeMs() <= winEnd) {
                    inWindow++;
                }
            }
        }
        out.put("active_window_ms", winEnd - winStart, inWindow);
        out.put("startup_excluded_ms", Math.max(0, winStart - runStart), 1);
        out.put("tail_excluded_ms", Math.max(0, runEnd - winEnd), 1);
        out.put("gpus_used", used.size(), used.size());
        weighted(out, "gpu_util_pct", byGpu, used, interval, winStart, winEnd, GpuSample::utilPct);
        weighted(out, "gpu_mem_util_pct", byGpu, used, interval, winStart, winEnd, GpuSample::memUtilPct);
        weighted(out, "power_w", byGpu, used, interval, winStart, winEnd, GpuSample::powerW);
        weighted(out, "sm_clock_mhz", byGpu, used, interval, winStart, winEnd, GpuSample::smClockMhz);
        maxClock(out, used, info);
        memoryPeak(out, byGpu, used, interval);
        throttling(out, byGpu, used, interval, winStart, winEnd);
    }

    /** The highest SM clock the GPUs used can run at (NVML's max clock), the lowest among them if they differ. */
    private static void maxClock(Metrics.Builder out, List<Integer> used, RunInfo info) {
        double max = Double.NaN;
        int n = 0;
        for (GpuInfo g : info.gpus()) {
            if (used.contains(g.index()) && g.maxSmClockMhz() > 0) {
                max = n == 0 ? g.maxSmClockMhz() : Math.min(max, g.maxSmClockMhz());
                n++;
            }
        }
        if (n == 0) {
            out.absent("sm_clock_max_mhz", "NVML gave no maximum SM clock");
        } else {
            out.put("sm_clock_max_mhz", max, n);
        }
    }

    private static void weighted(Metrics.Builder out, String name, Map<Integer, List<GpuSample>> byGpu,
            List<Integer> used, double interval, double from, double to, ToDoubleFunction<GpuSample> f) {
        TimeWeighted.Result r = series(byGpu, used, interval, from, to, f);
        if (r.isEmpty()) {
            out.absent(name, "NVML gave no value in the active window");
        } else {
            out.put(name, r.mean(), r.n(), r.spread());
        }
    }

    private static TimeWeighted.Result series(Map<Integer, List<GpuSample>> byGpu, List<Integer> used, double interval,
            double from, double to, ToDoubleFunction<GpuSample> f) {
        int cap = 0;
        for (int g : used) {
            cap += byGpu.get(g).size();
        }
        TimeWeighted tw = new TimeWeighted(cap);
        for (int g : used) {
            List<GpuSample> s = byGpu.get(g);
            double[] t = new double[s.size()];
            double[] v = new double[s.size()];
            for (int i = 0; i < s.size(); i++) {
                t[i] = s.get(i).timeMs();
                v[i] = f.applyAsDouble(s.get(i));
            }
            tw.addSeries(t, v, s.size(), interval, from, to);
        }
        return tw.result();
    }

    private static void memoryPeak(Metrics.Builder out, Map<Integer, List<GpuSample>> byGpu, List<Integer> used,
            double interval) {
        GpuSample peak = null;
        double peakPct = Double.NaN;
        double procPeak = Double.NaN;
        for (int g : used) {
            for (GpuSample s : byGpu.get(g)) {
                double pct = 100 * s.memUsedBytes() / s.memTotalBytes();
                if (!Double.isNaN(pct) && (peak == null || pct > peakPct)) {
                    peak = s;
                    peakPct = pct;
                }
                if (!Double.isNaN(s.procMemBytes())) {
                    procPeak = Double.isNaN(procPeak) ? s.procMemBytes() : Math.max(procPeak, s.procMemBytes());
                }
            }
        }
        if (peak == null) {
            out.absentAll("NVML gave no memory reading", "gpu_mem_peak_pct", "gpu_mem_peak_bytes", "gpu_mem_total_bytes");
        } else {
            TimeWeighted.Result r = series(byGpu, used, interval, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                    s -> 100 * s.memUsedBytes() / s.memTotalBytes());
            out.put("gpu_mem_peak_pct", peakPct, r.n(), r.spread());
            out.put("gpu_mem_peak_bytes", peak.memUsedBytes(), r.n());
            out.put("gpu_mem_total_bytes", peak.memTotalBytes(), 1);
        }
        if (Double.isNaN(procPeak)) {
            out.absent("proc_gpu_mem_peak_bytes", "no per-process reading matched the command's processes "
                    + "(in a container, NVML reports host process ids: run it with the host's PID namespace)");
        } else {
            out.put("proc_gpu_mem_peak_bytes", procPeak, 1);
        }
    }

    /** Share of busy time with a limiting reason set, and each reason's share of busy time. */
    private static void throttling(Metrics.Builder out, Map<Integer, List<GpuSample>> byGpu, List<Integer> used,
            double interval, double from, double to) {
        TimeWeighted.Result any = series(byGpu, used, interval, from, to,
                s -> !(s.utilPct() > 0) || s.clockReasons() < 0 ? Double.NaN
                        : (s.clockReasons() & ClockReasons.LIMITING) != 0 ? 100 : 0);
        if (any.isEmpty()) {
            String why = series(byGpu, used, interval, from, to, GpuSample::utilPct).mean() > 0
                    ? "NVML gave no clock event reasons" : "the GPU was never busy";
            out.absentAll(why, "clock_throttled_pct", "clock_reasons");
            return;
        }
        out.put("clock_throttled_pct", any.mean(), any.n());
        List<String> parts = new ArrayList<>();
        List<double[]> shares = new ArrayList<>();
        for (ClockReasons.Reason reason : ClockReasons.ALL) {
            if (reason.bit() == 0x1L) {
                continue;
            }
            TimeWeighted.Result r = series(byGpu, used, interval, from, to,
                    s -> !(s.utilPct() > 0) || s.clockReasons() < 0 ? Double.NaN
                            : (s.clockReasons() & reason.bit()) != 0 ? 100 : 0);
            if (r.mean() > 0) {
                shares.add(new double[] {r.mean(), ClockReasons.ALL.indexOf(reason)});
            }
        }
        shares.sort(Comparator.comparingDouble((double[] a) -> -a[0]));
        for (double[] sh : shares) {
            parts.add(ClockReasons.ALL.get((int) sh[1]).text() + " "
                    + String.format(Locale.ROOT, "%.0f%%", sh[0]) + " of busy time");
        }
        out.text("clock_reasons", parts.isEmpty() ? "none" : String.join(", ", parts), any.n());
    }

    private void gpmMetrics(Metrics.Builder out, RunRecording rec, List<Integer> used, double from, double to,
            RunInfo info) {
        Map<Integer, List<GpmSample>> byGpu = new TreeMap<>();
        for (GpmSample s : rec.gpm()) {
            if (used.contains(s.gpu())) {
                byGpu.computeIfAbsent(s.gpu(), k -> new ArrayList<>()).add(s);
            }
        }
        double link = Double.NaN;
        Map<Integer, Double> links = new LinkedHashMap<>();
        for (GpuInfo g : info.gpus()) {
            if (used.contains(g.index())) {
                links.put(g.index(), g.pcieLinkGBs());
                link = Double.isNaN(link) ? g.pcieLinkGBs() : Math.min(link, g.pcieLinkGBs());
            }
        }
        if (Double.isNaN(link)) {
            out.absent("pcie_link_gbps", "the PCIe link generation and width are unknown");
        } else {
            out.put("pcie_link_gbps", link, links.size());
        }
        if (byGpu.isEmpty()) {
            String names = info.gpus().stream().filter(g -> used.contains(g.index())).map(GpuInfo::name)
                    .distinct().reduce((a, b) -> a + ", " + b).orElse("unknown GPU");
            boolean supported = info.gpus().stream().anyMatch(g -> used.contains(g.index()) && g.gpmSupported());
            String why = supported ? "no GPM samples in this run" : "GPM is not supported on " + names
                    + " (it needs a Hopper or newer GPU and driver)";
            for (String m : GPM_METRICS) {
                if (!m.startsWith("pcie_")) {
                    out.absent(m, why);
                }
            }
            return;
        }
        gpm(out, "sm_active_pct", byGpu, from, to, GpmSample::smActivePct);
        gpm(out, "sm_occupancy_pct", byGpu, from, to, GpmSample::smOccupancyPct);
        gpm(out, "tensor_active_pct", byGpu, from, to, GpmSample::tensorActivePct);
        gpm(out, "dram_bw_pct", byGpu, from, to, GpmSample::dramBwPct);
        gpm(out, "fp16_active_pct", byGpu, from, to, GpmSample::fp16ActivePct);
        gpm(out, "fp32_active_pct", byGpu, from, to, GpmSample::fp32ActivePct);
        gpm(out, "pcie_tx_gbps", byGpu, from, to, s -> s.pcieTxMibS() * 1.048576 / 1000);
        gpm(out, "pcie_rx_gbps", byGpu, from, to, s -> s.pcieRxMibS() * 1.048576 / 1000);
        if (Double.isNaN(link)) {
            out.absent("pcie_link_pct", "the PCIe link generation and width are unknown");
        } else {
            gpm(out, "pcie_link_pct", byGpu, from, to, s -> {
                Double l = links.get(s.gpu());
                return l == null ? Double.NaN
                        : 100 * Math.max(s.pcieTxMibS(), s.pcieRxMibS()) * 1.048576 / 1000 / l;
            });
        }
    }

    /** PCIe from nvmlDeviceGetPcieThroughput (gpu.csv) on GPUs without GPM. */
    private static void nvmlPcie(Metrics.Builder out, Map<Integer, List<GpuSample>> byGpu, List<Integer> used,
            double interval, double from, double to, RunInfo info) {
        String why = "no PCIe throughput: GPM is absent and nvmlDeviceGetPcieThroughput is read only at intervals of 100 ms or more";
        TimeWeighted.Result tx = series(byGpu, used, interval, from, to, s -> s.pcieTxMibS() * 1.048576 / 1000);
        TimeWeighted.Result rx = series(byGpu, used, interval, from, to, s -> s.pcieRxMibS() * 1.048576 / 1000);
        if (tx.isEmpty() || rx.isEmpty()) {
            out.absentAll(why, "pcie_tx_gbps", "pcie_rx_gbps", "pcie_link_pct");
            return;
        }
        out.put("pcie_tx_gbps", tx.mean(), tx.n(), tx.spread());
        out.put("pcie_rx_gbps", rx.mean(), rx.n(), rx.spread());
        Map<Integer, Double> links = new LinkedHashMap<>();
        for (GpuInfo g : info.gpus()) {
            links.put(g.index(), g.pcieLinkGBs());
        }
        TimeWeighted.Result pct = series(byGpu, used, interval, from, to, s -> {
            Double l = links.get(s.gpu());
            return l == null ? Double.NaN : 100 * Math.max(s.pcieTxMibS(), s.pcieRxMibS()) * 1.048576 / 1000 / l;
        });
        if (pct.isEmpty()) {
            out.absent("pcie_link_pct", "the PCIe link generation and width are unknown");
        } else {
            out.put("pcie_link_pct", pct.mean(), pct.n(), pct.spread());
        }
    }

    private static void gpm(Metrics.Builder out, String name, Map<Integer, List<GpmSample>> byGpu, double from,
            double to, ToDoubleFunction<GpmSample> f) {
        int cap = byGpu.values().stream().mapToInt(List::size).sum();
        TimeWeighted tw = new TimeWeighted(cap);
        for (List<GpmSample> s : byGpu.values()) {
            // each GPM sample already states its own interval: it covers (time - interval, time]
            for (GpmSample g : s) {
                tw.add(f.applyAsDouble(g), g.timeMs() - g.intervalMs(), g.timeMs(), from, to);
            }
        }
        TimeWeighted.Result r = tw.result();
        if (r.isEmpty()) {
            out.absent(name, "no GPM value in the active window");
        } else {
            out.put(name, r.mean(), r.n(), r.spread());
        }
    }

    private void hostMetrics(Metrics.Builder out, RunRecording rec, double from, double to, RunInfo info) {
        List<HostSample> h = rec.host();
        if (h.isEmpty()) {
            out.absentAll("no host samples in this run", HOST_METRICS);
            return;
        }
        double interval = nominal(info.settings().hostIntervalMs(), h.stream().mapToDouble(HostSample::timeMs).toArray());
        double[] t = new double[h.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = h.get(i).timeMs();
        }
        host(out, "host_cpu_pct", h, t, interval, from, to, HostSample::cpuPct);
        host(out, "host_proc_cpu_pct", h, t, interval, from, to, HostSample::procCpuPct);
        host(out, "host_busiest_thread_pct", h, t, interval, from, to, HostSample::busiestThreadPct);
        Map<String, Double> byName = new LinkedHashMap<>();
        double rss = Double.NaN;
        for (int i = 0; i < h.size(); i++) {
            HostSample s = h.get(i);
            double w = TimeWeighted.overlap(i == 0 ? t[i] - interval : t[i - 1], t[i], from, to);
            if (w > 0 && s.busiestThread() != null) {
                byName.merge(s.busiestThread(), w, Double::sum);
            }
            if (!Double.isNaN(s.procRssBytes())) {
                rss = Double.isNaN(rss) ? s.procRssBytes() : Math.max(rss, s.procRssBytes());
            }
        }
        String busiest = byName.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        if (busiest == null) {
            out.absent("host_busiest_thread", "no thread readings in the window");
        } else {
            out.text("host_busiest_thread", busiest, byName.size());
        }
        if (Double.isNaN(rss)) {
            out.absent("host_rss_peak_bytes", "no memory readings of the process tree");
        } else {
            out.put("host_rss_peak_bytes", rss, h.size());
        }
    }

    private static void host(Metrics.Builder out, String name, List<HostSample> h, double[] t, double interval,
            double from, double to, ToDoubleFunction<HostSample> f) {
        double[] v = new double[h.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(h.get(i));
        }
        TimeWeighted.Result r = new TimeWeighted(v.length).addSeries(t, v, v.length, interval, from, to).result();
        if (r.isEmpty()) {
            out.absent(name, "no host reading in the window");
        } else {
            out.put(name, r.mean(), r.n(), r.spread());
        }
    }

    /** The configured interval, else the median spacing of the samples. */
    static double nominal(double configured, double[] times) {
        if (configured > 0) {
            return configured;
        }
        if (times.length < 2) {
            return 100;
        }
        double[] d = new double[times.length - 1];
        for (int i = 1; i < times.length; i++) {
            d[i - 1] = times[i] - times[i - 1];
        }
        return Math.max(1, Stats.median(d, d.length));
    }

    private static double lastTime(RunRecording rec, double fallback) {
        double last = fallback;
        for (GpuSample s : rec.gpu()) {
            last = Math.max(last, s.timeMs());
        }
        for (HostSample s : rec.host()) {
            last = Math.max(last, s.timeMs());
        }
        return last;
    }
}
