package autoglm.analyse.trace;

import java.util.List;

/**
 * Tables for reports: where the GPU time went. Numbers only; reports format them. {@code kernels} holds
 * every kernel name of the window, by total time, most first.
 */
public record Breakdown(List<KernelStat> kernels, List<CategoryStat> categories, List<TypeStat> types,
        List<CopyStat> copies, List<StreamStat> streams, long kernelCount, double kernelTimeMs, List<OpStat> ops,
        List<SequenceStat> sequences) {

    public Breakdown(List<KernelStat> kernels, List<CategoryStat> categories, List<TypeStat> types,
            List<CopyStat> copies, List<StreamStat> streams, long kernelCount, double kernelTimeMs) {
        this(kernels, categories, types, copies, streams, kernelCount, kernelTimeMs, List.of(), List.of());
    }

    /** A run of kernels that repeats ({@link KernelSequences}): its kernel names, occurrences and their GPU time. */
    public record SequenceStat(List<String> kernels, long count, double totalMs) {
    }

    /**
     * One CPU op (by name) and the GPU work it launched ({@link OpAttribution}): activities, their GPU time, the
     * time of the launch calls that made them, and its share of the attributed GPU time.
     */
    public record OpStat(String op, long activities, double gpuMs, double launchMs, double sharePct) {
    }

    /** One kernel name: how often it ran and for how long (durations in microseconds). */
    public record KernelStat(String name, String category, long count, double totalMs, double meanUs,
            double minUs, double maxUs, double stdevUs, double sharePct) {
    }

    /** One kernel family (gemm, attention, elementwise, ...): sum of durations and share of kernel time. */
    public record CategoryStat(String category, long count, double totalMs, double sharePct) {
    }

    /**
     * One of HTA's kernel types (computation, communication, memory) over all GPU activity in the
     * window: sum of durations and its share.
     */
    public record TypeStat(String type, long count, double totalMs, double sharePct) {
    }

    /**
     * One stream of the analysed device: its activities and its idle time split as HTA's idle-time
     * breakdown does (times in milliseconds; {@code gaps} is the number of idle gaps).
     */
    public record StreamStat(int device, int stream, long activities, long gaps, double idleMs, double hostWaitMs,
            double kernelWaitMs, double otherMs, double gapP50Us, double gapP99Us, double gapMaxUs) {
    }

    /** One kind of copy ("HtoD Pageable -> Device") or memset: count, bytes, GPU time and bandwidth. */
    public record CopyStat(String kind, long count, long bytes, double totalMs, double gbps) {
    }

    public static Breakdown empty() {
        return new Breakdown(List.of(), List.of(), List.of(), List.of(), List.of(), 0, 0);
    }
}
