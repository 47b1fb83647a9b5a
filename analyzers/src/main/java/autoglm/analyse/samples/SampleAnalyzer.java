package autoglm.analyse.samples;

import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.model.run.GpuSample;
import autoglm.model.run.HostSample;
import autoglm.model.run.RunInfo;
import autoglm.model.run.RunRecording;
import autoglm.model.trace.DataLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a run's samples into metrics (docs/analyses.md#samples). Which GPUs count: those the profiled
 * process tree ran on (per-process NVML), else those with any utilization, else those whose used memory
 * grew by at least 256 MiB. The active window runs from the start of the period of the first sample with
 * utilization above zero on those GPUs to the last such sample: the command's start-up (imports, model
 * loading before the first kernel) and its tail are left out. Every statistic is time-weighted
 * ({@link TimeWeighted}); memory peaks are taken over the whole run.
 */
public final class SampleAnalyzer {
    static final List<String> GPU_METRICS = MetricFamily.SAMPLES_GPU.names();
    public static final List<String> GPM_METRICS = MetricFamily.SAMPLES_GPM.names();
    public static final List<String> HOST_METRICS = MetricFamily.SAMPLES_HOST.names();

    /** Every metric this analyzer computes (or marks absent with a reason). */
    public static java.util.Set<String> metricNames() {
        return MetricFamily.names(MetricFamily.SAMPLES, MetricFamily.SAMPLES_GPU, MetricFamily.SAMPLES_GPM,
                MetricFamily.SAMPLES_HOST);
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
        List<Integer> used = ActiveWindow.usedGpus(byGpu);
        double gpuInterval = ActiveWindow.nominal(info.settings().intervalMs(), rec.gpu().stream().mapToDouble(GpuSample::timeMs).toArray());
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
            double[] w = ActiveWindow.window(byGpu, used, gpuInterval);
            winStart = w[0];
            winEnd = w[1];
            GpuSampleMetrics.gpuMetrics(out, byGpu, used, gpuInterval, winStart, winEnd, runStart, runEnd, info);
            GpmSampleMetrics.gpmMetrics(out, rec, used, winStart, winEnd, info);
            if (!out.has("pcie_rx_gbps")) {
                GpuSampleMetrics.nvmlPcie(out, byGpu, used, gpuInterval, winStart, winEnd, info);
            }
        }
        double hostStart = Double.isNaN(winStart) ? runStart - 1e9 : winStart;
        double hostEnd = Double.isNaN(winEnd) ? runEnd + 1e9 : winEnd;
        HostSampleMetrics.hostMetrics(out, rec, hostStart, hostEnd, info);

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
