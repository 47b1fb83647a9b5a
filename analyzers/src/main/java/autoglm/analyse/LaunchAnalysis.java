package autoglm.analyse;

import autoglm.model.trace.ApiCalls;
import autoglm.model.trace.GpuActivities;

/**
 * HTA's kernel launch statistics over the window's activities that have a launch call: the call's CPU
 * duration, the launch delay (GPU start minus call start) and the short kernels (GPU time below the
 * call's CPU time, calls up to {@code launch_runtime_cutoff_us}); plus kernel durations and the share
 * of small kernels.
 */
final class LaunchAnalysis {
    private LaunchAnalysis() {
    }

    static void run(Context c, Metrics.Builder out) {
        GpuActivities gpu = c.model.gpu();
        ApiCalls api = c.model.api();
        int n = c.rows.length;
        double[] cpu = new double[n];
        double[] delay = new double[n];
        double[] kernelUs = new double[n];
        int launched = 0;
        int kernels = 0;
        long shortKernels = 0;
        long small = 0;
        long smallTime = 0;
        long kernelTime = 0;
        double cutoffUs = c.settings.get(AnalysisSettings.LAUNCH_RUNTIME_CUTOFF_US);
        double smallUs = c.settings.get(AnalysisSettings.SMALL_KERNEL_US);
        for (int r : c.rows) {
            boolean isKernel = gpu.kind(r) == GpuActivities.KERNEL;
            double durUs = gpu.dur(r) / 1e3;
            if (isKernel) {
                kernelUs[kernels++] = durUs;
                kernelTime += gpu.dur(r);
                if (durUs < smallUs) {
                    small++;
                    smallTime += gpu.dur(r);
                }
            }
            int l = gpu.launch(r);
            if (l >= 0) {
                double cpuUs = api.dur(l) / 1e3;
                cpu[launched] = cpuUs;
                delay[launched] = (gpu.start(r) - api.start(l)) / 1e3;
                launched++;
                if (isKernel && cpuUs <= cutoffUs && durUs < cpuUs) {
                    shortKernels++;
                }
            }
        }
        out.put("kernels", kernels, kernels);
        if (c.steps() > 0) {
            out.put("kernels_per_step", (double) kernels / c.steps(), c.steps());
        } else {
            out.absent("kernels_per_step", "no iterations in the trace");
        }
        if (kernels == 0) {
            out.absentAll("no kernels in the window", "kernel_us", "small_kernel_pct", "small_kernel_time_pct",
                    "short_kernel_pct");
        } else {
            Spread ks = Stats.spread(kernelUs, kernels);
            out.put("kernel_us", ks.p50(), kernels, ks);
            out.put("small_kernel_pct", 100.0 * small / kernels, kernels);
            out.put("small_kernel_time_pct", TemporalAnalysis.pct(smallTime, kernelTime), kernels);
            out.put("short_kernel_pct", 100.0 * shortKernels / kernels, kernels);
        }
        if (launched == 0) {
            out.absentAll("no GPU activity in the window has its launch call in the trace", "launch_cpu_us",
                    "launch_delay_us");
        } else {
            Spread cs = Stats.spread(cpu, launched);
            Spread ds = Stats.spread(delay, launched);
            out.put("launch_cpu_us", cs.p50(), launched, cs);
            out.put("launch_delay_us", ds.p50(), launched, ds);
        }
    }
}
