package autoglm.report;

import autoglm.analyse.Metric;
import autoglm.analyse.Metrics;
import autoglm.analyse.Quantities;
import autoglm.analyse.samples.RunAnalysis;
import autoglm.analyse.Unit;
import autoglm.model.run.GpuInfo;
import autoglm.model.run.RunInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The terminal report's header for a profiled run: what ran, how it ended, where, and what the samples say. */
final class RunHeader {
    private RunHeader() {
    }

    /** Lines of "label value" text, unstyled; the caller indents and wraps them. */
    static List<String[]> lines(autoglm.diagnose.Diagnosis d) {
        long gpu = 0;
        for (autoglm.diagnose.InputDiagnosis in : d.inputs()) {
            gpu += in.analysis().model().gpu().size();
        }
        return lines(d.run(), gpu);
    }

    /** {@code gpuActivities}: kernels, copies and memsets recorded (CUPTI recordings among the inputs). */
    static List<String[]> lines(RunAnalysis run, long gpuActivities) {
        RunInfo info = run.recording().info();
        Metrics m = run.metrics();
        List<String[]> out = new ArrayList<>();
        String state = info.complete() ? "complete" : "INCOMPLETE";
        out.add(new String[] {"run", Text.safe(run.recording().path()) + " (" + state + ")"});
        out.add(new String[] {"command", Text.safe(String.join(" ", info.command()))});
        String ended = info.note() == null ? info.status() : info.note();
        out.add(new String[] {"ended", Text.safe(ended) + "; " + MetricText.value(m.get("run_wall_ms"))});
        out.add(new String[] {"host", Text.safe(info.host().hostname() + ", " + info.host().cpu() + ", "
                + info.host().logicalCores() + " logical cores, " + Quantities.format(info.host().memoryBytes(), Unit.BYTES))});
        if (!info.nvml().available()) {
            out.add(new String[] {"GPU", Text.safe("none sampled: " + info.nvml().reason())});
        } else {
            List<String> driver = new ArrayList<>();
            driver.add("NVIDIA " + info.nvml().driverVersion());
            if (info.nvml().cudaDriverVersion() != null) {
                driver.add("CUDA " + info.nvml().cudaDriverVersion());
            }
            if (info.nvml().nvmlVersion() != null) {
                driver.add("NVML " + info.nvml().nvmlVersion());
            }
            out.add(new String[] {"driver", Text.safe(String.join(", ", driver))});
            for (GpuInfo g : info.gpus()) {
                String used = run.gpusUsed().contains(g.index()) ? "used" : "not used";
                out.add(new String[] {"GPU " + g.index(), Text.safe(g.name() + ", " + g.uuid() + ", "
                        + Quantities.format(g.memoryTotalBytes(), Unit.BYTES) + ", compute capability "
                        + g.computeCapability() + ", PCIe " + g.pcieGeneration() + " x" + g.pcieWidth()
                        + ", GPM " + (g.gpmSupported() ? "yes" : "no") + " (" + used + ")")});
            }
        }
        RunInfo.Settings s = info.settings();
        StringBuilder samples = new StringBuilder();
        samples.append(String.format(Locale.ROOT, "GPU %,d every %s, GPM %,d every %s, host %,d every %s",
                run.recording().gpu().size(), Quantities.format(s.intervalMs(), Unit.MILLISECONDS),
                run.recording().gpm().size(), Quantities.format(s.gpmIntervalMs(), Unit.MILLISECONDS),
                run.recording().host().size(), Quantities.format(s.hostIntervalMs(), Unit.MILLISECONDS)));
        if (s.kernels()) {
            samples.append(gpuActivities > 0 ? "; " + String.format(Locale.ROOT, "%,d", gpuActivities)
                    + " kernels, copies and memsets recorded through CUPTI"
                    : "; kernel recording on, but nothing was recorded (no CUDA work, or the library did not load: "
                            + "see data loss)");
        }
        if (info.overhead() != null && !Double.isNaN(info.overhead().cpuPctOfOneCore())) {
            samples.append("; sampler CPU ").append(Quantities.format(info.overhead().cpuPctOfOneCore(), Unit.PERCENT))
                    .append(" of one core");
        }
        out.add(new String[] {"samples", samples.toString()});
        Metric window = m.get("active_window_ms");
        if (window.present()) {
            out.add(new String[] {"window", "active " + MetricText.value(window) + " ("
                    + MetricText.value(m.get("startup_excluded_ms")) + " of start-up and "
                    + MetricText.value(m.get("tail_excluded_ms")) + " of tail left out)"});
            out.add(new String[] {"GPU use", "utilization " + MetricText.withSamples(m.get("gpu_util_pct"))});
            Metric sm = m.get("sm_active_pct");
            out.add(new String[] {"", sm.present() ? "SM active " + MetricText.withSamples(sm) + ", occupancy "
                    + MetricText.value(m.get("sm_occupancy_pct")) + ", tensor " + MetricText.value(m.get("tensor_active_pct"))
                    + ", DRAM bandwidth " + MetricText.value(m.get("dram_bw_pct")) : "GPM: " + sm.reason()});
            out.add(new String[] {"", "memory peak " + MetricText.value(m.get("gpu_mem_peak_bytes")) + " of "
                    + MetricText.value(m.get("gpu_mem_total_bytes")) + " (" + MetricText.value(m.get("gpu_mem_peak_pct"))
                    + "), power " + MetricText.value(m.get("power_w")) + ", SM clock " + MetricText.value(m.get("sm_clock_mhz"))});
        } else {
            out.add(new String[] {"GPU use", Text.safe(window.reason())});
        }
        Metric thread = m.get("host_busiest_thread_pct");
        out.add(new String[] {"host use", thread.present() ? "busiest thread " + MetricText.withSamples(thread) + " ["
                + MetricText.value(m.get("host_busiest_thread")) + "], process tree "
                + MetricText.value(m.get("host_proc_cpu_pct")) + " of a core, machine "
                + MetricText.value(m.get("host_cpu_pct")) : Text.safe(thread.reason())});
        Metric model = m.get("workload_model");
        if (model.present()) {
            out.add(new String[] {"workload", Text.safe(model.text() + " (" + MetricText.value(m.get("workload_source"))
                    + ", " + MetricText.value(m.get("workload_layers")) + " layers) on "
                    + MetricText.value(m.get("workload_device")) + ", " + MetricText.value(m.get("workload_dtype")))
                    + "; " + MetricText.value(m.get("workload_requests"))
                    + " requests measured, load " + MetricText.value(m.get("load_ms")) + ", warm-up "
                    + MetricText.value(m.get("warmup_ms"))});
            out.add(new String[] {"", "decode " + MetricText.withSamples(m.get("ms_per_token")) + " per token; "
                    + MetricText.value(m.get("tokens_per_s")) + "; TTFT " + MetricText.withSamples(m.get("ttft_ms"))
                    + "; peak memory " + MetricText.value(m.get("peak_mem_bytes"))});
        }
        return out;
    }
}
