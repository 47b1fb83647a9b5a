package autoglm.analyse.ranks;

/**
 * One rank in the per-rank table (docs/analyses.md#ranks), over the steps aligned across ranks: its label ("rank 3",
 * or "input 2" without distributedInfo), mean step time (CPU side), the GPU busy share and idle split of its own
 * analysis, its communication share and overlap, and per step the GPU time of its computation kernels, of its NCCL
 * kernels, and its collective wait (time in NCCL kernels before the last rank arrived). NaN where it does not apply.
 */
public record RankRow(String label, Integer rank, int steps, double stepMs, double busyPct, double hostWaitPct,
        double kernelWaitPct, double otherIdlePct, double commPct, double overlapPct, double computeMsPerStep,
        double commMsPerStep, double collectiveWaitMsPerStep) {
}
