package autoglm.read.run;

import autoglm.model.run.GpmSample;
import autoglm.util.CsvCells.NumberCell;
import autoglm.util.CsvCells.TextCell;
import autoglm.util.CsvCells.WholeNumberCell;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One row of gpm.csv (docs/formats.md): a {@link GpmSample}, its columns in this order. */
@JsonPropertyOrder({"time_unix_ms", "gpu", "gpu_uuid", "interval_ms", "sm_active_pct", "sm_occupancy_pct",
    "tensor_active_pct", "dram_bw_pct", "fp16_active_pct", "fp32_active_pct", "pcie_tx_mib_s", "pcie_rx_mib_s"})
public record GpmRow(
        @JsonProperty("time_unix_ms") @NumberCell double timeMs,
        @JsonProperty("gpu") @WholeNumberCell int gpu,
        @JsonProperty("gpu_uuid") @TextCell String gpuUuid,
        @JsonProperty("interval_ms") @NumberCell double intervalMs,
        @JsonProperty("sm_active_pct") @NumberCell double smActivePct,
        @JsonProperty("sm_occupancy_pct") @NumberCell double smOccupancyPct,
        @JsonProperty("tensor_active_pct") @NumberCell double tensorActivePct,
        @JsonProperty("dram_bw_pct") @NumberCell double dramBwPct,
        @JsonProperty("fp16_active_pct") @NumberCell double fp16ActivePct,
        @JsonProperty("fp32_active_pct") @NumberCell double fp32ActivePct,
        @JsonProperty("pcie_tx_mib_s") @NumberCell double pcieTxMibS,
        @JsonProperty("pcie_rx_mib_s") @NumberCell double pcieRxMibS) {

    public static GpmRow of(GpmSample s) {
        return new GpmRow(s.timeMs(), s.gpu(), s.gpuUuid(), s.intervalMs(), s.smActivePct(), s.smOccupancyPct(),
                s.tensorActivePct(), s.dramBwPct(), s.fp16ActivePct(), s.fp32ActivePct(), s.pcieTxMibS(),
                s.pcieRxMibS());
    }

    public GpmSample sample() {
        return new GpmSample(timeMs, gpu, gpuUuid, intervalMs, smActivePct, smOccupancyPct, tensorActivePct, dramBwPct,
                fp16ActivePct, fp32ActivePct, pcieTxMibS, pcieRxMibS);
    }
}
