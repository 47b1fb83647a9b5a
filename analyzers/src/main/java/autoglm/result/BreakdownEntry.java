package autoglm.result;

import autoglm.analyse.trace.Breakdown;
import java.util.List;

/**
 * Where the GPU time of a result with one input went (docs/formats.md#breakdown): per kernel, per family, per
 * activity type, per stream (idle gaps by cause), per copy kind, the repeated kernel sequences and per op.
 */
public record BreakdownEntry(Long kernelCount, Double kernelTimeMs, List<Kernel> kernels, List<Family> families,
        List<Type> types, List<Stream> streams, List<Copy> copies, List<Sequence> sequences, List<Op> ops) {

    public record Kernel(String name, String family, Long count, Double totalMs, Double meanUs, Double minUs,
            Double maxUs, Double stdevUs, Double sharePct) {
    }

    public record Family(String family, Long count, Double totalMs, Double sharePct) {
    }

    public record Type(String type, Long count, Double totalMs, Double sharePct) {
    }

    public record Stream(Integer device, Integer stream, Long activities, Long gaps, Double idleMs, Double hostWaitMs,
            Double kernelWaitMs, Double otherMs, Double gapP50Us, Double gapP99Us, Double gapMaxUs) {
    }

    public record Copy(String kind, Long count, Long bytes, Double totalMs, Double gbps) {
    }

    public record Sequence(List<String> kernels, Long count, Double totalMs) {
    }

    public record Op(String op, Long activities, Double gpuMs, Double launchMs, Double sharePct) {
    }

    public static BreakdownEntry of(Breakdown b) {
        return new BreakdownEntry(b.kernelCount(), b.kernelTimeMs(),
                b.kernels().stream().map(k -> new Kernel(k.name(), k.category(), k.count(), k.totalMs(), k.meanUs(),
                        k.minUs(), k.maxUs(), k.stdevUs(), k.sharePct())).toList(),
                b.categories().stream().map(c -> new Family(c.category(), c.count(), c.totalMs(), c.sharePct())).toList(),
                b.types().stream().map(t -> new Type(t.type(), t.count(), t.totalMs(), t.sharePct())).toList(),
                b.streams().stream().map(s -> new Stream(s.device(), s.stream(), s.activities(), s.gaps(), s.idleMs(),
                        s.hostWaitMs(), s.kernelWaitMs(), s.otherMs(), s.gapP50Us(), s.gapP99Us(), s.gapMaxUs())).toList(),
                b.copies().stream().map(c -> new Copy(c.kind(), c.count(), c.bytes(), c.totalMs(), c.gbps())).toList(),
                b.sequences().stream().map(q -> new Sequence(q.kernels(), q.count(), q.totalMs())).toList(),
                b.ops().stream().map(o -> new Op(o.op(), o.activities(), o.gpuMs(), o.launchMs(), o.sharePct())).toList());
    }

    /** The kernels as the comparer knows them. */
    public List<Breakdown.KernelStat> kernelStats() {
        return kernels.stream().map(k -> new Breakdown.KernelStat(text(k.name()), text(k.family()), whole(k.count()),
                nan(k.totalMs()), nan(k.meanUs()), nan(k.minUs()), nan(k.maxUs()), nan(k.stdevUs()), nan(k.sharePct())))
                .toList();
    }

    /** The ops as the comparer knows them (none when the result has no op table). */
    public List<Breakdown.OpStat> opStats() {
        return ops == null ? List.of() : ops.stream().map(o -> new Breakdown.OpStat(text(o.op()), whole(o.activities()),
                nan(o.gpuMs()), nan(o.launchMs()), nan(o.sharePct()))).toList();
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static long whole(Long n) {
        return n == null ? 0 : n;
    }

    private static double nan(Double v) {
        return v == null ? Double.NaN : v;
    }
}
