package autoglm.read.run;

import autoglm.model.run.GpuSample;
import autoglm.util.CsvCells.NumberCell;
import autoglm.util.CsvCells.TextCell;
import autoglm.util.CsvCells.WholeNumberCell;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;

/** One row of gpu.csv (docs/formats.md): a {@link GpuSample}, its columns in this order. */
@JsonPropertyOrder({"time_unix_ms", "gpu", "gpu_uuid", "util_pct", "mem_util_pct", "mem_used_bytes",
    "mem_reserved_bytes", "mem_total_bytes", "power_w", "sm_clock_mhz", "mem_clock_mhz", "clock_reasons_mask",
    "temp_c", "proc_mem_bytes", "proc_sm_pct", "proc_mem_util_pct", "pcie_tx_mib_s", "pcie_rx_mib_s"})
public record GpuRow(
        @JsonProperty("time_unix_ms") @NumberCell double timeMs,
        @JsonProperty("gpu") @WholeNumberCell int gpu,
        @JsonProperty("gpu_uuid") @TextCell String gpuUuid,
        @JsonProperty("util_pct") @NumberCell double utilPct,
        @JsonProperty("mem_util_pct") @NumberCell double memUtilPct,
        @JsonProperty("mem_used_bytes") @NumberCell double memUsedBytes,
        @JsonProperty("mem_reserved_bytes") @NumberCell double memReservedBytes,
        @JsonProperty("mem_total_bytes") @NumberCell double memTotalBytes,
        @JsonProperty("power_w") @NumberCell double powerW,
        @JsonProperty("sm_clock_mhz") @NumberCell double smClockMhz,
        @JsonProperty("mem_clock_mhz") @NumberCell double memClockMhz,
        @JsonProperty("clock_reasons_mask") @JsonSerialize(using = MaskWrite.class)
        @JsonDeserialize(using = MaskRead.class) long clockReasons,
        @JsonProperty("temp_c") @NumberCell double tempC,
        @JsonProperty("proc_mem_bytes") @NumberCell double procMemBytes,
        @JsonProperty("proc_sm_pct") @NumberCell double procSmPct,
        @JsonProperty("proc_mem_util_pct") @NumberCell double procMemUtilPct,
        @JsonProperty("pcie_tx_mib_s") @NumberCell double pcieTxMibS,
        @JsonProperty("pcie_rx_mib_s") @NumberCell double pcieRxMibS) {

    public static GpuRow of(GpuSample s) {
        return new GpuRow(s.timeMs(), s.gpu(), s.gpuUuid(), s.utilPct(), s.memUtilPct(), s.memUsedBytes(),
                s.memReservedBytes(), s.memTotalBytes(), s.powerW(), s.smClockMhz(), s.memClockMhz(), s.clockReasons(),
                s.tempC(), s.procMemBytes(), s.procSmPct(), s.procMemUtilPct(), s.pcieTxMibS(), s.pcieRxMibS());
    }

    public GpuSample sample() {
        return new GpuSample(timeMs, gpu, gpuUuid, utilPct, memUtilPct, memUsedBytes, memReservedBytes, memTotalBytes,
                powerW, smClockMhz, memClockMhz, clockReasons, tempC, procMemBytes, procSmPct, procMemUtilPct,
                pcieTxMibS, pcieRxMibS);
    }

    /** NVML's clock event reason mask in hex ("0x..."), empty when unknown (-1). */
    public static final class MaskWrite extends JsonSerializer<Long> {
        @Override
        public void serialize(Long v, JsonGenerator g, SerializerProvider p) throws IOException {
            if (v < 0) {
                g.writeNull();
            } else {
                g.writeString("0x" + Long.toHexString(v));
            }
        }
    }

    /** The mask back: hex with "0x", else decimal; empty is unknown (-1). */
    public static final class MaskRead extends JsonDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser p, DeserializationContext c) throws IOException {
            String m = p.getValueAsString("");
            return m.isEmpty() ? -1L : m.startsWith("0x") ? Long.parseLong(m.substring(2), 16) : Long.parseLong(m);
        }

        @Override
        public Long getNullValue(DeserializationContext c) {
            return -1L;
        }
    }
}
