package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.LoopbackPrometheus;
import autoglm.loopback.FleetReplay;
import autoglm.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet replayed from recorded samples into Debian's Prometheus (DCGM exporter cannot run without a GPU, and no
 * vLLM fleet runs here; docs/fleet.md#testing-from-recorded-samples): tools/fleet_replay.py writes the H100's NVML/GPM
 * stream as five GPU exporters (four under DCGM exporter's names, one of them with its profiling metrics off, one
 * under autoglm's) and real {@code autoglm serve}
 * /metrics pages as four replicas, {@code promtool tsdb create-blocks-from openmetrics} backfills them, and
 * {@code diagnose --prometheus} must find what the script computes from the recordings by Prometheus's and the
 * docs' definitions: each GPU instance's metrics, the system rules on it, and the fleet rules across them.
 */
class FleetReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aReplayedFleetIsDiagnosedAsTheRecordingsSay() throws Exception {
        try (FleetReplay fleet = FleetReplay.start(tmp)) {
            JsonNode x = fleet.expected;
            assertEquals(JSON.readTree(Fixtures.root().resolve("testdata/expected/fleet-replay.json").toFile()), x,
                    "the script reproduces the committed expectations");
            LoopbackPrometheus prom = fleet.prometheus;
            String api = fleet.api();
            Path out = tmp.resolve("fleet.json");
            Run r = Run.of("diagnose", "--prometheus", api, "--start", x.get("start_s").asText(),
                    "--end", x.get("end_s").asText(), "--step", "1s", "--format", "json", "-o", out.toString());
            assertEquals(0, r.code(), r.out() + r.err());
            check(x, JSON.readTree(out.toFile()));
            // the PromQL docs/fleet.md gives for throttling-node, evaluated by Prometheus at the window's end over the
            // DCGM instances, gives the gap autoglm computes
            String limiting = "((floor(R / 4) % 2 + floor(R / 8) % 2 + floor(R / 32) % 2 + floor(R / 64) % 2 + "
                    + "floor(R / 128) % 2) > bool 0)";
            String t = "avg by (instance) (avg_over_time((" + limiting.replace("R", "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS")
                    + " and on (instance, gpu) DCGM_FI_DEV_GPU_UTIL > 0)[50s:1s]) * 100)";
            assertEquals(x.get("fleet").get("throttle_gap_pct").asDouble(),
                    prom.value("max(" + t + ") - min(" + t + ")", x.get("end_s").asText()), 1e-9);
            Run terminal = Run.of("diagnose", "--prometheus", api, "--start",
                    x.get("start_s").asText(), "--end", x.get("end_s").asText(), "--step", "1s");
            assertTrue(terminal.out().contains("GPU instances, most severe first"), terminal.out());
            assertTrue(terminal.out().contains("node-b:9400") && terminal.out().contains("gpu-underutilized (warning)"),
                    terminal.out());
            Path html = tmp.resolve("fleet.html");
            Run h = Run.of("diagnose", "--prometheus", api, "--start", x.get("start_s").asText(),
                    "--end", x.get("end_s").asText(), "--step", "1s", "--html", html.toString());
            assertEquals(0, h.code(), h.err());
            String page = Files.readString(html);
            assertTrue(page.contains("<h3>GPU instances</h3>") && page.contains("<td>node-b:9400</td>")
                    && page.contains("<td>replica-4:8000</td>") && page.contains("throttling-node"), "HTML");
            Run onlyDcgm = Run.of("diagnose", "--prometheus", api, "--start",
                    x.get("start_s").asText(), "--end", x.get("end_s").asText(), "--step", "1s", "--gpu-selector",
                    "{job=\"dcgm-exporter\"}", "--selector", "{job=\"none\"}", "--format", "json");
            JsonNode d = JSON.readTree(onlyDcgm.out());
            assertEquals(4, d.get("fleet").get("gpuInstances").size(), "the GPU selector picks DCGM exporter's");
            assertEquals(0, d.get("fleet").get("instances").size());
            assertTrue(onlyDcgm.err().contains("holds no vLLM, SGLang, TGI or llama.cpp series for {job=\"none\"}"),
                    onlyDcgm.err());
            assertTrue(d.get("metrics").get("fleet_straggler_ratio").get("value").isNull(), "no replicas: no straggler");
        }
    }

    private static void check(JsonNode x, JsonNode d) {
        JsonNode fleet = d.get("fleet");
        assertEquals(5, fleet.get("gpuInstances").size());
        for (JsonNode node : fleet.get("gpuInstances")) {
            String instance = node.get("instance").asText();
            JsonNode e = x.get("nodes").get(instance);
            JsonNode m = node.get("metrics");
            for (String name : new String[] {"gpu_util_pct", "sm_active_pct", "tensor_active_pct", "power_w"}) {
                if (e.get(name).get("mean").isNull()) {
                    // node-e's exporter has its profiling metrics off: not applicable, with that reason, never 0
                    assertTrue(m.get(name).get("value").isNull(), instance + " " + name + ": " + m.get(name));
                    assertTrue(m.get(name).get("reason").asText().contains("DCGM_FI_PROF_"), m.get(name).toString());
                    continue;
                }
                assertEquals(e.get(name).get("mean").asDouble(), m.get(name).get("value").asDouble(), 1e-9,
                        instance + " " + name);
                assertEquals(e.get(name).get("n").asLong(), m.get(name).get("n").asLong(), instance + " " + name + " n");
            }
            assertEquals(e.get("gpu_mem_peak_pct").asDouble(), m.get("gpu_mem_peak_pct").get("value").asDouble(), 1e-9,
                    instance);
            assertEquals(e.get("clock_throttled_pct").get("mean").asDouble(),
                    m.get("clock_throttled_pct").get("value").asDouble(), 1e-9, instance);
            assertEquals(instance.equals("node-d:9464") ? "autoglm" : "dcgm", node.get("source").asText());
            assertEquals(instance.substring(0, 6), node.get("hostname").asText());
        }
        // the system rules on each GPU instance: the decode node's GPU is underutilized, the matmul node's is not
        // and throttles
        assertEquals("warning", finding(instance(fleet.get("gpuInstances"), "node-b:9400"), "gpu-underutilized"));
        assertEquals("ok", finding(instance(fleet.get("gpuInstances"), "node-a:9400"), "gpu-underutilized"));
        assertTrue(finding(instance(fleet.get("gpuInstances"), "node-a:9400"), "clock-throttling").matches("info|warning"));
        for (JsonNode rep : fleet.get("instances")) {
            JsonNode e = x.get("replicas").get(rep.get("instance").asText());
            assertEquals(e.get("requests").asDouble(), rep.get("requests").asDouble(), rep.toString());
            assertEquals(e.get("itl_ms").asDouble(), rep.get("metrics").get("server_itl_ms").get("value").asDouble(), 1e-9);
            assertEquals("glm-tiny", rep.get("model").asText());
        }
        JsonNode f = x.get("fleet");
        JsonNode m = d.get("metrics");
        assertEquals(f.get("straggler_ratio").asDouble(), m.get("fleet_straggler_ratio").get("value").asDouble(), 1e-9);
        assertEquals(f.get("straggler_instance").asText(), m.get("fleet_straggler_instance").get("text").asText());
        assertEquals(f.get("others_itl_ms").asDouble(), m.get("fleet_others_itl_ms").get("value").asDouble(), 1e-9);
        assertEquals(f.get("throttle_gap_pct").asDouble(), m.get("fleet_throttle_gap_pct").get("value").asDouble(), 1e-9);
        assertEquals(f.get("throttled_instance").asText(), m.get("fleet_throttled_instance").get("text").asText());
        assertEquals(f.get("imbalance_ratio").asDouble(), m.get("fleet_imbalance_ratio").get("value").asDouble(), 1e-9);
        assertEquals("warning", finding(d, "straggler-replica"));
        assertEquals("warning", finding(d, "throttling-node"));
        assertEquals("ok", finding(d, "idle-replica"), "every replica finished requests");
    }

    private static JsonNode instance(JsonNode rows, String name) {
        for (JsonNode r : rows) {
            if (r.get("instance").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no " + name);
    }

    private static String finding(JsonNode withFindings, String rule) {
        for (JsonNode f : withFindings.get("findings")) {
            if (f.get("rule").asText().equals(rule)) {
                return f.get("severity").asText();
            }
        }
        throw new AssertionError("no " + rule + " in " + withFindings.get("findings"));
    }
}
