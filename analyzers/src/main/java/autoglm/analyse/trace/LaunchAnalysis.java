package autoglm.analyse.trace;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Metrics;
import autoglm.analyse.Spread;
import autoglm.analyse.Stats;
import autoglm.model.trace.ApiCalls;
import autoglm.model.trace.GpuActivities;

/**
 * Launch statistics over the window's activities that have a launch call, under two definitions
 * (docs/analyses.md#metrics). autoglm's own, which launch-bound reads: every kernel's call (runtime or driver, so
 * cuBLASLt's cuLaunchKernelEx counts), the call's CPU duration, the launch delay from the call's start, the short
 * kernels (GPU time below the call's CPU time, calls up to {@code launch_runtime_cutoff_us}). HTA's, under HTA's
 * names ({@code hta_*}): the activities launched by cudaLaunchKernel, cudaLaunchKernelExC, cudaMemcpyAsync and
 * cudaMemsetAsync only, the delay from the call's end clipped at 0, and copies and memsets counted among the short
 * ones. Plus kernel durations and the share of small kernels.
 * <p>
 * Communication kernels (NCCL, RCCL) are left out of autoglm's figures: kernel durations, small and short kernels,
 * kernels per step and the launch call statistics are over the rest (docs/analyses.md#communication); a collective's
 * duration is set by the other ranks, its time is comm-bound's. {@code kernels} counts them, and HTA's figures keep
 * HTA's definition, which counts them too.
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
        int allKernels = 0;
        long shortKernels = 0;
        long small = 0;
        long smallTime = 0;
        long kernelTime = 0;
        double cutoffUs = c.settings.get(AnalysisSettings.LAUNCH_RUNTIME_CUTOFF_US);
        double[] htaDelay = new double[n];
        int hta = 0;
        long htaShort = 0;
        java.util.Set<Integer> htaNames = htaCalls(c.model.names());
        double smallUs = c.settings.get(AnalysisSettings.SMALL_KERNEL_US);
        for (int r : c.rows) {
            boolean isKernel = gpu.kind(r) == GpuActivities.KERNEL;
            boolean comm = isKernel && c.communication(r);
            double durUs = gpu.dur(r) / 1e3;
            if (isKernel) {
                allKernels++;
            }
            if (isKernel && !comm) {
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
                if (!comm) {
                    cpu[launched] = cpuUs;
                    delay[launched] = (gpu.start(r) - api.start(l)) / 1e3;
                    launched++;
                    if (isKernel && cpuUs <= cutoffUs && durUs < cpuUs) {
                        shortKernels++;
                    }
                }
                if (htaNames.contains(api.name(l))) {
                    htaDelay[hta++] = Math.max(0, gpu.start(r) - api.end(l)) / 1e3;
                    if (cpuUs <= cutoffUs && durUs < cpuUs) {
                        htaShort++;
                    }
                }
            }
        }
        out.put("kernels", allKernels, allKernels);
        if (c.steps() > 0) {
            out.put("kernels_per_step", (double) kernels / c.steps(), c.steps());
        } else {
            out.absent("kernels_per_step", "no iterations in the trace");
        }
        if (kernels == 0) {
            out.absentAll(allKernels == 0 ? "no kernels in the window"
                    : "only communication kernels in the window: their time is comm-bound's", "kernel_us",
                    "small_kernel_pct", "small_kernel_time_pct", "short_kernel_pct");
        } else {
            Spread ks = Stats.spread(kernelUs, kernels);
            out.put("kernel_us", ks.p50(), kernels, ks);
            out.put("small_kernel_pct", 100.0 * small / kernels, kernels);
            out.put("small_kernel_time_pct", TemporalAnalysis.pct(smallTime, kernelTime), kernels);
            out.put("short_kernel_pct", 100.0 * shortKernels / kernels, kernels);
        }
        if (launched == 0) {
            out.absentAll("no GPU activity in the window other than communication kernels has its launch call in "
                    + "the trace", "launch_cpu_us", "launch_delay_us");
        } else {
            Spread cs = Stats.spread(cpu, launched);
            Spread ds = Stats.spread(delay, launched);
            out.put("launch_cpu_us", cs.p50(), launched, cs);
            out.put("launch_delay_us", ds.p50(), launched, ds);
        }
        if (hta == 0) {
            out.absentAll("no activity of the window was launched by cudaLaunchKernel, cudaLaunchKernelExC, "
                    + "cudaMemcpyAsync or cudaMemsetAsync (HTA's launch calls)", "hta_launch_delay_us",
                    "hta_short_kernel_pct");
        } else {
            Spread hs = Stats.spread(htaDelay, hta);
            out.put("hta_launch_delay_us", hs.p50(), hta, hs);
            out.put("hta_short_kernel_pct", 100.0 * htaShort / hta, hta);
        }
    }

    /** The ids of HTA's launch calls among the trace's names (absent ones left out). */
    private static java.util.Set<Integer> htaCalls(autoglm.model.trace.Names names) {
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        for (String n : new String[] {"cudaLaunchKernel", "cudaLaunchKernelExC", "cudaMemcpyAsync", "cudaMemsetAsync"}) {
            int id = names.find(n);
            if (id != autoglm.model.trace.Names.NONE) {
                ids.add(id);
            }
        }
        return ids;
    }
}
