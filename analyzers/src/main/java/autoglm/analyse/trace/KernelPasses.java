package autoglm.analyse.trace;

import autoglm.model.trace.ApiCalls;
import autoglm.model.trace.GpuActivities;
import autoglm.model.trace.TraceModel;
import autoglm.util.IndexSort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Iterations found in the kernel sequence alone, for recordings without annotations or CPU ops (a CUPTI
 * recording of a process with no profiler hooks). A model's forward pass launches the same kernels in
 * the same order every time, so some kernel (the position-id arange, the rotary sin/cos, the sampling
 * argmax) runs exactly once per pass. The anchor is the kernel name whose occurrences cut the sequence
 * into segments of equal kernel count (within 2%) for at least 80% of the segments, covering at least
 * half of all kernels; among such names the one with the fewest occurrences (the longest period) wins,
 * ties going to the one that comes first. Each pass runs from one anchor kernel to the next: on the host
 * from the anchor's launch call, on the GPU from the anchor kernel's start. The part after the last
 * anchor is an incomplete pass and is left out.
 */
final class KernelPasses {
    static final int MIN_PASSES = 4;
    static final double TOLERANCE = 0.02;
    static final double MIN_REGULAR = 0.8;
    static final double MIN_COVERAGE = 0.5;

    /** Found passes: per pass the host window {start, end, thread} and the GPU window {start, end}. */
    record Passes(String anchor, List<long[]> host, long[][] gpu) {
    }

    private KernelPasses() {
    }

    /** The passes, or null when no kernel repeats regularly enough. */
    static Passes find(TraceModel m) {
        GpuActivities gpu = m.gpu();
        int k = 0;
        for (int r = 0; r < gpu.size(); r++) {
            if (gpu.kind(r) == GpuActivities.KERNEL) {
                k++;
            }
        }
        if (k < 2 * MIN_PASSES) {
            return null;
        }
        int[] rows = new int[k];
        k = 0;
        for (int r = 0; r < gpu.size(); r++) {
            if (gpu.kind(r) == GpuActivities.KERNEL) {
                rows[k++] = r;
            }
        }
        int[] order = IndexSort.order(k, (a, b) -> Long.compare(gpu.start(rows[a]), gpu.start(rows[b])));
        int[] seq = new int[k];
        for (int i = 0; i < k; i++) {
            seq[i] = rows[order[i]];
        }
        Map<Integer, List<Integer>> positions = new HashMap<>();
        for (int i = 0; i < k; i++) {
            positions.computeIfAbsent(gpu.name(seq[i]), x -> new ArrayList<>()).add(i);
        }
        List<Integer> best = null;
        for (List<Integer> pos : positions.values()) {
            if (pos.size() < MIN_PASSES || !regular(pos, k)) {
                continue;
            }
            if (best == null || pos.size() < best.size() || pos.size() == best.size() && pos.get(0) < best.get(0)) {
                best = pos;
            }
        }
        if (best == null) {
            return null;
        }
        ApiCalls api = m.api();
        List<long[]> host = new ArrayList<>();
        long[][] gpuWindows = new long[best.size() - 1][];
        for (int i = 0; i + 1 < best.size(); i++) {
            int a = seq[best.get(i)];
            int b = seq[best.get(i + 1)];
            gpuWindows[i] = new long[] {gpu.start(a), gpu.start(b)};
            int la = gpu.launch(a);
            int lb = gpu.launch(b);
            if (la >= 0 && lb >= 0) {
                host.add(new long[] {api.start(la), api.start(lb), api.tid(la)});
            } else {
                host.add(new long[] {gpu.start(a), gpu.start(b), -1});
            }
        }
        return new Passes(m.names().get(gpu.name(seq[best.get(0)])), host, gpuWindows);
    }

    private static boolean regular(List<Integer> pos, int total) {
        int n = pos.size() - 1;
        int[] len = new int[n];
        for (int i = 0; i < n; i++) {
            len[i] = pos.get(i + 1) - pos.get(i);
        }
        int[] sorted = len.clone();
        java.util.Arrays.sort(sorted);
        int median = sorted[n / 2];
        long covered = 0;
        int regular = 0;
        for (int l : len) {
            if (Math.abs(l - median) <= Math.max(1, TOLERANCE * median)) {
                regular++;
                covered += l;
            }
        }
        return median > 1 && regular >= MIN_REGULAR * n && covered >= MIN_COVERAGE * total;
    }
}
