package autoglm.analyse.ranks;

import autoglm.analyse.trace.KernelClass;
import autoglm.analyse.trace.TraceAnalysis;
import autoglm.analyse.trace.Window;
import autoglm.model.trace.GpuActivities;
import autoglm.model.trace.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rank's steps as the cross-rank analysis needs them: each step's number (from "ProfilerStep#N", else its place),
 * CPU-side span, the GPU time of its computation kernels and of its NCCL kernels on the analysed device (summed
 * durations of the kernels the step launched), and its NCCL kernels in start order. Timestamps are the trace's own
 * plus its base time, so that ranks written by clock-synchronised hosts line up.
 */
public record RankSteps(String label, Integer rank, long[] number, long[] stepNs, long[] computeNs, long[] commNs,
        List<long[][]> collectives, boolean numbered, long pointToPoint, long collectiveKernels) {
    /** NCCL kernels that send or receive between two ranks (pipeline stages) rather than reduce or gather over all. */
    private static final Pattern P2P = Pattern.compile("(?i)sendrecv|_send_|_recv_|ncclDevKernel_(Send|Recv)");
    private static final Pattern STEP_NUMBER = Pattern.compile("#(\\d+)$");

    int steps() {
        return number.length;
    }

    /** The step whose number is {@code n}, or -1. */
    int indexOf(long n) {
        for (int i = 0; i < number.length; i++) {
            if (number[i] == n) {
                return i;
            }
        }
        return -1;
    }

    /** The same steps under another label. */
    public RankSteps labelled(String other) {
        return new RankSteps(other, rank, number, stepNs, computeNs, commNs, collectives, numbered, pointToPoint,
                collectiveKernels);
    }

    public static RankSteps of(TraceAnalysis a, String label) {
        Window w = a.window();
        int steps = Math.max(1, w.iterations());
        long[] number = new long[steps];
        long[] stepNs = new long[steps];
        boolean numbered = w.iterations() > 0;
        for (int i = 0; i < steps; i++) {
            if (w.iterations() == 0) {
                number[i] = 0;
                stepNs[i] = a.model().lastEnd() - a.model().firstTs();
                continue;
            }
            Matcher m = STEP_NUMBER.matcher(w.iterationName(i) == null ? "" : w.iterationName(i));
            if (m.find()) {
                number[i] = Long.parseLong(m.group(1));
            } else {
                number[i] = i;
                numbered = false;
            }
            stepNs[i] = w.iterationEnd(i) - w.iterationStart(i);
        }
        long base = a.model().header().baseTimeNanoseconds() == null ? 0 : a.model().header().baseTimeNanoseconds();
        long[] compute = new long[steps];
        long[] commNs = new long[steps];
        List<List<long[]>> coll = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            coll.add(new ArrayList<>());
        }
        GpuActivities gpu = a.model().gpu();
        Names names = a.model().names();
        long p2p = 0;
        long all = 0;
        // NCCL or not, once per kernel name (a trace has thousands of kernels and tens of names)
        byte[] comm = new byte[names.size()];
        for (int r = 0; r < gpu.size(); r++) {
            if (gpu.kind(r) != GpuActivities.KERNEL || gpu.device(r) != w.device() || !w.contains(r)) {
                continue;
            }
            int step = w.iterations() == 0 ? 0 : w.iterationOf(r);
            if (step < 0 || step >= steps) {
                continue;
            }
            int id = gpu.name(r);
            if (id >= 0 && comm[id] == 0) {
                comm[id] = KernelClass.ofKernel(names.get(id)).type() == KernelClass.Type.COMMUNICATION ? (byte) 1
                        : (byte) 2;
            }
            if (id >= 0 && comm[id] == 1) {
                commNs[step] += gpu.dur(r);
                coll.get(step).add(new long[] {base + gpu.start(r), base + gpu.end(r)});
                all++;
                if (P2P.matcher(names.get(gpu.name(r))).find()) {
                    p2p++;
                }
            } else {
                compute[step] += gpu.dur(r);
            }
        }
        List<long[][]> collectives = new ArrayList<>();
        for (List<long[]> c : coll) {
            c.sort((x, y) -> Long.compare(x[0], y[0]));
            collectives.add(c.toArray(new long[0][]));
        }
        return new RankSteps(label, a.model().rank(), number, stepNs, compute, commNs, collectives, numbered, p2p, all);
    }
}
