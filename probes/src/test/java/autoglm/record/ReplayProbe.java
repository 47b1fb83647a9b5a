package autoglm.record;

import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuInfo;
import autoglm.model.run.GpuSample;
import autoglm.model.run.RunInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replays the NVML/GPM stream recorded on the H100 (testdata/nvml/*.jsonl, ../shared/fixtures/nvml):
 * one recorded line per sampler round, with the recorded return codes turned into errors as NvmlProbe
 * turns live ones. The GPU's description is the recording machine's (H100 80GB HBM3, driver 580); its
 * PCIe link, PCIe 5 x16, comes from the H100 SXM5 specification, not from the recording.
 */
final class ReplayProbe implements GpuProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<JsonNode> lines;
    private int next;
    private double lastGpmReturned = Double.NEGATIVE_INFINITY;
    /** From this time on, every call answers GPU_IS_LOST (a fault injected into the replay). */
    private double lostFrom = Double.POSITIVE_INFINITY;

    ReplayProbe(List<JsonNode> lines) {
        this.lines = lines;
    }

    static List<JsonNode> load(Path file, double fromMs, double toMs) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            if (!l.isBlank()) {
                JsonNode n = JSON.readTree(l);
                double t = n.get("t_ms").asDouble();
                if (t >= fromMs && t <= toMs) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    ReplayProbe losingGpuFrom(double timeMs) {
        lostFrom = timeMs;
        return this;
    }

    /** Time of the line the next round replays. */
    double time() {
        return lines.get(next).get("t_ms").asDouble();
    }

    boolean hasNext() {
        return next < lines.size();
    }

    /** Moves to the next recorded line (after a sampler round used the current one). */
    void advance() {
        next++;
    }

    @Override
    public RunInfo.Nvml driver() {
        return new RunInfo.Nvml(true, null, "580 (recorded)", null, "13.0");
    }

    @Override
    public List<GpuInfo> gpus() {
        double total = lines.get(0).get("mem_total").asDouble();
        return List.of(new GpuInfo(0, "NVIDIA H100 80GB HBM3", "GPU-recorded", total, "9.0", 5, 16,
                GpuInfo.pcieLinkGBs(5, 16), 700, 1980, true));
    }

    @Override
    public ProbeRead<GpuSample> read(int index, Set<Long> pids, double timeMs) {
        JsonNode n = lines.get(next);
        Map<String, String> errors = new LinkedHashMap<>();
        boolean lost = n.get("t_ms").asDouble() >= lostFrom;
        boolean util = ok(n, "util_rc", "nvmlDeviceGetUtilizationRates", errors, lost);
        boolean mem = ok(n, "mem_rc", "nvmlDeviceGetMemoryInfo_v2", errors, lost);
        boolean reasons = ok(n, "reasons_rc", "nvmlDeviceGetCurrentClocksEventReasons", errors, lost);
        if (lost) {
            errors.put("nvmlDeviceGetPowerUsage", "GPU is lost");
        }
        double nan = Double.NaN;
        return new ProbeRead<>(new GpuSample(timeMs, 0, "GPU-recorded", util ? n.get("gpu_util").asDouble() : nan, util ? n.get("mem_util").asDouble() : nan,
                mem ? n.get("mem_used").asDouble() : nan, mem ? n.get("mem_reserved").asDouble() : nan,
                mem ? n.get("mem_total").asDouble() : nan, lost ? nan : n.get("power_mw").asDouble() / 1000,
                lost ? nan : n.get("sm_mhz").asDouble(), lost ? nan : n.get("mem_mhz").asDouble(),
                reasons ? n.get("clock_reasons").asLong() : -1, lost ? nan : n.get("temp_c").asDouble(), nan, nan, nan,
                nan, nan), errors);
    }

    private static boolean ok(JsonNode n, String rcField, String call, Map<String, String> errors, boolean lost) {
        int rc = lost ? 15 : n.path(rcField).asInt(0);
        if (rc != 0) {
            errors.put(call, rc == 15 ? "GPU is lost" : "NVML error " + rc);
        }
        return rc == 0;
    }

    /** The newest recorded GPM line up to this round that has not been returned yet, else null. */
    @Override
    public ProbeRead<GpmSample> readGpm(int index, double timeMs, double intervalMs) {
        double now = timeMs;
        JsonNode found = null;
        for (int i = next; i >= 0; i--) {
            JsonNode n = lines.get(i);
            double t = n.get("t_ms").asDouble();
            if (t <= lastGpmReturned) {
                break;
            }
            if (n.has("gpm_rc") && t <= now) {
                found = n;
                break;
            }
        }
        if (found == null) {
            return null;
        }
        lastGpmReturned = found.get("t_ms").asDouble();
        if (now >= lostFrom) {
            double nan = Double.NaN;
            return new ProbeRead<>(new GpmSample(timeMs, 0, "GPU-recorded", intervalMs, nan, nan, nan, nan, nan, nan, nan,
                    nan), Map.of("nvmlGpmSampleGet", "GPU is lost"));
        }
        return new ProbeRead<>(new GpmSample(timeMs, 0, "GPU-recorded", intervalMs, found.get("sm_util").asDouble(), found.get("sm_occupancy").asDouble(),
                found.get("any_tensor_util").asDouble(), found.get("dram_bw_util").asDouble(),
                found.get("fp16_util").asDouble(), found.get("fp32_util").asDouble(),
                found.get("pcie_tx_mib_s").asDouble(), found.get("pcie_rx_mib_s").asDouble()), Map.of());
    }

    @Override
    public void close() {
    }
}
