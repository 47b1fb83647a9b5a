package autoglm.analyse.samples;

import autoglm.analyse.Metric;
import autoglm.analyse.Metrics;
import autoglm.analyse.TimeWeighted;
import autoglm.analyse.Unit;
import autoglm.model.run.GpuInfo;
import autoglm.model.run.GpuSample;
import autoglm.model.run.RunInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Metrics of the NVML samples (gpu.csv) over the active window, time-weighted; memory peaks over the run. */
public final class GpuSampleMetrics {
    private GpuSampleMetrics() {
    }

    public static void gpuMetrics(Metrics.Builder out, Map<Integer, List<GpuSample>> byGpu, List<Integer> used,
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
    static void maxClock(Metrics.Builder out, List<Integer> used, RunInfo info) {
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

    static void weighted(Metrics.Builder out, String name, Map<Integer, List<GpuSample>> byGpu,
            List<Integer> used, double interval, double from, double to, ToDoubleFunction<GpuSample> f) {
        TimeWeighted.Result r = series(byGpu, used, interval, from, to, f);
        if (r.isEmpty()) {
            out.absent(name, "NVML gave no value in the active window");
        } else {
            out.put(name, r.mean(), r.n(), r.spread());
        }
    }

    static TimeWeighted.Result series(Map<Integer, List<GpuSample>> byGpu, List<Integer> used, double interval,
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

    static void memoryPeak(Metrics.Builder out, Map<Integer, List<GpuSample>> byGpu, List<Integer> used,
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
    static void throttling(Metrics.Builder out, Map<Integer, List<GpuSample>> byGpu, List<Integer> used,
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
        List<Metric.Item> parts = new ArrayList<>();
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
            parts.add(new Metric.Item(ClockReasons.ALL.get((int) sh[1]).text(), sh[0], Unit.PERCENT));
        }
        out.items("clock_reasons", parts, any.n());
    }

    /** PCIe from nvmlDeviceGetPcieThroughput (gpu.csv) on GPUs without GPM. */
    static void nvmlPcie(Metrics.Builder out, Map<Integer, List<GpuSample>> byGpu, List<Integer> used,
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
}
