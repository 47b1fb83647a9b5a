package autoglm.model.run;

/**
 * GPM metrics of one GPU over the interval that ends at {@code timeMs} and lasted {@code intervalMs}
 * (two-sample pattern: nvmlGpmMetricsGet on consecutive nvmlGpmSampleGet buffers). Percentages are of
 * the whole GPU, 0..100; NaN where the driver gave no value.
 */
public record GpmSample(
        double timeMs,
        int gpu,
        String gpuUuid,
        double intervalMs,
        double smActivePct,
        double smOccupancyPct,
        double tensorActivePct,
        double dramBwPct,
        double fp16ActivePct,
        double fp32ActivePct,
        double pcieTxMibS,
        double pcieRxMibS) {
}
