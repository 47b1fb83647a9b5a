package autoglm.read.run;

import autoglm.model.run.HostSample;
import autoglm.util.CsvCells.NumberCell;
import autoglm.util.CsvCells.TextCell;
import autoglm.util.CsvCells.WholeNumberCell;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One row of host.csv (docs/formats.md): a {@link HostSample}, its columns in this order. */
@JsonPropertyOrder({"time_unix_ms", "cpu_pct", "proc_cpu_pct", "busiest_thread_pct", "busiest_thread",
    "proc_rss_bytes", "processes", "host_mem_used_bytes", "host_mem_total_bytes"})
public record HostRow(
        @JsonProperty("time_unix_ms") @NumberCell double timeMs,
        @JsonProperty("cpu_pct") @NumberCell double cpuPct,
        @JsonProperty("proc_cpu_pct") @NumberCell double procCpuPct,
        @JsonProperty("busiest_thread_pct") @NumberCell double busiestThreadPct,
        @JsonProperty("busiest_thread") @TextCell String busiestThread,
        @JsonProperty("proc_rss_bytes") @NumberCell double procRssBytes,
        @JsonProperty("processes") @WholeNumberCell int processes,
        @JsonProperty("host_mem_used_bytes") @NumberCell double hostMemUsedBytes,
        @JsonProperty("host_mem_total_bytes") @NumberCell double hostMemTotalBytes) {

    public static HostRow of(HostSample s) {
        return new HostRow(s.timeMs(), s.cpuPct(), s.procCpuPct(), s.busiestThreadPct(), s.busiestThread(),
                s.procRssBytes(), s.processes(), s.hostMemUsedBytes(), s.hostMemTotalBytes());
    }

    public HostSample sample() {
        return new HostSample(timeMs, cpuPct, procCpuPct, busiestThreadPct, busiestThread, procRssBytes, processes,
                hostMemUsedBytes, hostMemTotalBytes);
    }
}
