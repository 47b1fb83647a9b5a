package autoglm.analysis;

import java.util.List;

/** Tables for reports: where the GPU time went. Numbers only; reports format them. */
public record Breakdown(List<KernelStat> topKernels, List<CategoryStat> categories, List<CopyStat> copies,
        long kernelCount, double kernelTimeMs) {

    /** One kernel name: how often it ran and for how long (durations in microseconds). */
    public record KernelStat(String name, String category, long count, double totalMs, double meanUs,
            double minUs, double maxUs, double stdevUs, double sharePct) {
    }

    /** One kernel family (gemm, attention, elementwise, ...): sum of durations and share of kernel time. */
    public record CategoryStat(String category, long count, double totalMs, double sharePct) {
    }

    /** One kind of copy ("HtoD Pageable -> Device") or memset: count, bytes, GPU time and bandwidth. */
    public record CopyStat(String kind, long count, long bytes, double totalMs, double gbps) {
    }

    public static Breakdown empty() {
        return new Breakdown(List.of(), List.of(), List.of(), 0, 0);
    }
}
