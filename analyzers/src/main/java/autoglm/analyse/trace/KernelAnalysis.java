package autoglm.analyse.trace;

import autoglm.analyse.Metrics;
import autoglm.model.trace.DeviceProperties;
import autoglm.model.trace.GpuActivities;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernel breakdown by name and family (sums of durations, as HTA's kernel breakdown), tensor-core use
 * of GEMM kernels, and duration-weighted estimated achieved occupancy of the computation kernels (communication
 * kernels left out: docs/analyses.md#communication).
 */
final class KernelAnalysis {

    private KernelAnalysis() {
    }

    private static final class Acc {
        long count;
        long total;
        long min = Long.MAX_VALUE;
        long max;
        double sumSq;

        void add(long d) {
            count++;
            total += d;
            min = Math.min(min, d);
            max = Math.max(max, d);
            sumSq += (double) d * d;
        }
    }

    static Breakdown run(Context c, Metrics.Builder out) {
        GpuActivities gpu = c.model.gpu();
        Map<Integer, Acc> byName = new HashMap<>();
        Map<KernelClass.Category, Acc> byCategory = new EnumMap<>(KernelClass.Category.class);
        long kernelTime = 0;
        long kernels = 0;
        long gemm = 0;
        long simt = 0;
        long tensor = 0;
        long unknownTc = 0;
        double occWeighted = 0;
        long occTime = 0;
        long occCount = 0;
        long lowBlocksTime = 0;
        long blocksTime = 0;
        for (int r : c.rows) {
            if (gpu.kind(r) != GpuActivities.KERNEL) {
                continue;
            }
            long d = gpu.dur(r);
            kernels++;
            kernelTime += d;
            byName.computeIfAbsent(gpu.name(r), k -> new Acc()).add(d);
            KernelClass kc = c.classOf(r);
            byCategory.computeIfAbsent(kc.category(), k -> new Acc()).add(d);
            if (kc.category() == KernelClass.Category.GEMM && kc.tensorCores() != KernelClass.TensorCores.NOT_APPLICABLE) {
                gemm += d;
                switch (kc.tensorCores()) {
                    case USED:
                        tensor += d;
                        break;
                    case NOT_USED:
                        simt += d;
                        break;
                    default:
                        unknownTc += d;
                }
            }
            if (kc.type() == KernelClass.Type.COMMUNICATION) {
                // a collective's grid is NCCL's channels and its time the other ranks': comm-bound's, not occupancy's
                continue;
            }
            float occ = gpu.occupancyPct(r);
            if (!Float.isNaN(occ)) {
                occWeighted += occ * (double) d;
                occTime += d;
                occCount++;
            }
            float bps = gpu.blocksPerSm(r);
            if (!Float.isNaN(bps)) {
                blocksTime += d;
                if (bps < 1f) {
                    lowBlocksTime += d;
                }
            }
        }

        if (gemm == 0) {
            out.absentAll("no GEMM (matrix multiply) kernels in the window", "gemm_tensor_core_pct", "simt_gemm_pct");
            if (kernels > 0) {
                out.put("gemm_time_pct", 0, kernels);
            } else {
                out.absent("gemm_time_pct", "no kernels in the window");
            }
        } else {
            out.put("gemm_time_pct", TemporalAnalysis.pct(gemm, kernelTime), kernels);
            out.put("simt_gemm_pct", TemporalAnalysis.pct(simt, kernelTime), kernels);
            out.put("gemm_tensor_core_pct", TemporalAnalysis.pct(tensor, tensor + simt + unknownTc), kernels);
        }
        DeviceProperties dev = c.model.header().device(c.window.device());
        if (dev == null && c.model.header().devices().size() == 1) {
            dev = c.model.header().devices().get(0);
        }
        if (dev != null && dev.computeMajor() >= 0) {
            out.put("compute_capability", dev.computeMajor() + Math.max(0, dev.computeMinor()) / 10.0, 1);
        } else {
            out.absent("compute_capability", "the trace has no deviceProperties for the device");
        }
        if (occTime == 0) {
            out.absent("occupancy_pct", "no computation kernel carries Kineto's est. achieved occupancy");
        } else {
            out.put("occupancy_pct", occWeighted / occTime, occCount);
        }
        if (blocksTime == 0) {
            out.absent("low_blocks_time_pct", "no computation kernel carries blocks per SM");
        } else {
            out.put("low_blocks_time_pct", TemporalAnalysis.pct(lowBlocksTime, blocksTime), occCount);
        }

        List<Breakdown.KernelStat> top = new ArrayList<>();
        List<Map.Entry<Integer, Acc>> entries = new ArrayList<>(byName.entrySet());
        entries.sort((a, b) -> Long.compare(b.getValue().total, a.getValue().total));
        for (int i = 0; i < entries.size(); i++) {
            Map.Entry<Integer, Acc> e = entries.get(i);
            Acc a = e.getValue();
            double mean = (double) a.total / a.count;
            double var = a.count > 1 ? Math.max(0, (a.sumSq - a.count * mean * mean) / (a.count - 1)) : Double.NaN;
            top.add(new Breakdown.KernelStat(c.name(e.getKey()), c.kernelClass(e.getKey()).category().key(),
                    a.count, a.total / 1e6, mean / 1e3, a.min / 1e3, a.max / 1e3, Math.sqrt(var) / 1e3,
                    TemporalAnalysis.pct(a.total, kernelTime)));
        }
        List<Breakdown.CategoryStat> cats = new ArrayList<>();
        List<Map.Entry<KernelClass.Category, Acc>> ce = new ArrayList<>(byCategory.entrySet());
        ce.sort((a, b) -> Long.compare(b.getValue().total, a.getValue().total));
        for (Map.Entry<KernelClass.Category, Acc> e : ce) {
            cats.add(new Breakdown.CategoryStat(e.getKey().key(), e.getValue().count, e.getValue().total / 1e6,
                    TemporalAnalysis.pct(e.getValue().total, kernelTime)));
        }
        return new Breakdown(top, cats, types(c), List.of(), List.of(), kernels, kernelTime / 1e6);
    }

    /** HTA's kernel types over every GPU activity in the window (kernels, copies, memsets). */
    private static List<Breakdown.TypeStat> types(Context c) {
        GpuActivities gpu = c.model.gpu();
        Map<KernelClass.Type, Acc> byType = new EnumMap<>(KernelClass.Type.class);
        long total = 0;
        for (int r : c.rows) {
            byType.computeIfAbsent(c.classOf(r).type(), k -> new Acc()).add(gpu.dur(r));
            total += gpu.dur(r);
        }
        List<Breakdown.TypeStat> out = new ArrayList<>();
        for (Map.Entry<KernelClass.Type, Acc> e : byType.entrySet()) {
            out.add(new Breakdown.TypeStat(e.getKey().name().toLowerCase(java.util.Locale.ROOT), e.getValue().count,
                    e.getValue().total / 1e6, TemporalAnalysis.pct(e.getValue().total, total)));
        }
        out.sort((a, b) -> Double.compare(b.totalMs(), a.totalMs()));
        return out;
    }
}
