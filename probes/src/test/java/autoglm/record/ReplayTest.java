package autoglm.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Metric;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.rules.Finding;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.Severity;
import autoglm.rules.ThresholdOverrides;
import autoglm.model.run.GpuSample;
import autoglm.read.run.RunFolder;
import autoglm.model.run.RunRecording;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sampler, the run folder and the system rules on a replay of the NVML/GPM stream recorded on an
 * H100 while known workloads ran (testdata/nvml/phases.json). Expected numbers come from
 * tools/nvml_check.py, which reads the raw recording without autoglm's code.
 */
class ReplayTest {
    @TempDir
    Path tmp;

    private Diagnosis diagnose(String phase) throws Exception {
        return diagnose(phase, Map.of());
    }

    private Diagnosis diagnose(String phase, Map<String, Map<String, Double>> overrides) throws Exception {
        double[] p = Replay.phase(phase);
        Path run = Replay.record(tmp.resolve(phase), "nvml-100ms.jsonl", p[0], p[1], Replay.ReplayProbeSetup.NONE, null);
        RuleCatalogue rules = RuleCatalogue.bundled();
        return new Diagnoser(rules, ThresholdOverrides.of(rules, overrides), AnalysisSettings.defaults()).diagnoseRun(run, note -> { }).diagnosis();
    }

    private static Finding finding(Diagnosis d, String rule) {
        return d.findings().stream().filter(f -> f.rule().equals(rule)).findFirst().orElseThrow();
    }

    private static void near(JsonNode expected, Metric actual, double tol) {
        assertTrue(actual.present(), actual.name() + ": " + actual.reason());
        assertEquals(expected.get("mean").asDouble(), actual.value(), tol, actual.name() + " mean");
        assertEquals(expected.get("p50").asDouble(), actual.spread().p50(), tol, actual.name() + " p50");
        assertEquals(expected.get("p95").asDouble(), actual.spread().p95(), tol, actual.name() + " p95");
        assertEquals(expected.get("max").asDouble(), actual.spread().max(), tol, actual.name() + " max");
        assertEquals(expected.get("n").asLong(), actual.n(), actual.name() + " n");
    }

    @Test
    void everyPhaseMatchesTheIndependentComputation() throws Exception {
        for (Map.Entry<String, JsonNode> e : Replay.expected().entrySet()) {
            Diagnosis d = diagnose(e.getKey());
            JsonNode x = e.getValue();
            assertEquals(x.get("window_ms").asDouble(), d.metrics().get("active_window_ms").value(), 1e-6, e.getKey());
            for (String m : new String[] {"gpu_util_pct", "power_w", "sm_active_pct", "tensor_active_pct", "dram_bw_pct",
                "pcie_rx_gbps"}) {
                near(x.get(m), d.metrics().get(m), 1e-6);
            }
            assertEquals(x.get("gpu_mem_peak_pct").asDouble(), d.metrics().get("gpu_mem_peak_pct").value(), 1e-9);
            if (x.get("clock_throttled_pct").isNull()) {
                assertFalse(d.metrics().get("clock_throttled_pct").present(), e.getKey());
            } else {
                assertEquals(x.get("clock_throttled_pct").get("mean").asDouble(),
                        d.metrics().get("clock_throttled_pct").value(), 1e-6, e.getKey());
            }
        }
    }

    @Test
    void bf16MatmulLoopIsHealthy() throws Exception {
        Diagnosis d = diagnose("matmul-bf16");
        assertTrue(d.metrics().get("gpu_util_pct").value() > 95);
        assertTrue(d.metrics().get("tensor_active_pct").value() > 85);
        assertEquals(Severity.OK, finding(d, "gpu-underutilized").severity());
        assertEquals(Severity.OK, finding(d, "util-without-saturation").severity());
        assertEquals(Severity.NOT_APPLICABLE, finding(d, "host-cpu-bound").severity(), "the replay has no host samples");
        // the board ran into its software power cap for all of its busy time: reported, never changed
        Finding clocks = finding(d, "clock-throttling");
        assertEquals(Severity.WARNING, clocks.severity());
        assertTrue(clocks.summary().contains("software power cap 100% of busy time"), clocks.summary());
    }

    @Test
    void smallKernelsWithHostSleepsWarnUnderutilized() throws Exception {
        Diagnosis d = diagnose("small-kernels-then-sleep");
        Finding f = finding(d, "gpu-underutilized");
        assertEquals(Severity.WARNING, f.severity());
        assertEquals("gpu-underutilized", d.findings().get(0).rule(), "the top finding");
        assertTrue(f.summary().contains("5.17%"), f.summary());
    }

    @Test
    void eagerDecodeWarnsUnderutilizedWithNoTensorActivity() throws Exception {
        Diagnosis d = diagnose("glm-eager-decode");
        assertEquals(Severity.WARNING, finding(d, "gpu-underutilized").severity());
        assertTrue(d.metrics().get("tensor_active_pct").value() < 1);
    }

    @Test
    void idleGpuShowsNoTensorActivity() throws Exception {
        Diagnosis d = diagnose("idle");
        assertEquals(0, d.metrics().get("tensor_active_pct").value(), 1e-9);
        assertEquals(0, d.metrics().get("sm_active_pct").value(), 1e-9);
        assertEquals(0, d.metrics().get("gpu_util_pct").value(), 1e-9);
        assertEquals(Severity.NOT_APPLICABLE, finding(d, "clock-throttling").severity(), "never busy");
    }

    @Test
    void memoryFillPeaksJustUnderTheHeadroomThreshold() throws Exception {
        Diagnosis d = diagnose("memory-fill-70GiB");
        assertEquals(88.95, d.metrics().get("gpu_mem_peak_pct").value(), 0.01);
        assertEquals(Severity.OK, finding(d, "memory-headroom").severity(), "89% is under the catalogue's 90%");
        Diagnosis strict = diagnose("memory-fill-70GiB", Map.of("memory-headroom", Map.of("info_pct", 85.0)));
        assertTrue(finding(strict, "memory-headroom").isProblem());
        assertEquals(Severity.OK, finding(diagnose("matmul-bf16"), "memory-headroom").severity());
    }

    @Test
    void pageableCopiesUseATenthOfThePcieLink() throws Exception {
        Diagnosis d = diagnose("pageable-h2d-copies");
        double link = d.metrics().get("pcie_link_gbps").value();
        assertEquals(32 * 16 * 128.0 / 130 / 8, link, 1e-9, "PCIe 5 x16");
        double pct = d.metrics().get("pcie_link_pct").value();
        assertEquals(100 * d.metrics().get("pcie_rx_gbps").value() / link, pct, 0.5);
        assertEquals(Severity.OK, finding(d, "pcie-bound").severity(), "6 GB/s is 10% of the link");
        Diagnosis strict = diagnose("pageable-h2d-copies", Map.of("pcie-bound", Map.of("info_pct", 5.0)));
        assertTrue(finding(strict, "pcie-bound").isProblem());
        assertEquals(Severity.OK, finding(diagnose("matmul-bf16"), "pcie-bound").severity(),
                "SMs busy: transfers are not the bottleneck");
    }

    @Test
    void utilWithoutSaturationFiresWhereUtilizationOverstatesSmActivity() throws Exception {
        // pageable copies: NVML counts the copy kernels as utilization (13%) while no SM is active
        Diagnosis strict = diagnose("pageable-h2d-copies", Map.of("util-without-saturation", Map.of("util_min_pct", 10.0)));
        Finding f = finding(strict, "util-without-saturation");
        assertEquals(Severity.WARNING, f.severity());
        assertEquals(Severity.OK, finding(diagnose("pageable-h2d-copies"), "util-without-saturation").severity());
    }

    @Test
    void gpuLostMidRunIsDataLossNotZeros() throws Exception {
        double[] p = Replay.phase("matmul-bf16");
        double lostAt = p[0] + (p[1] - p[0]) / 2;
        Path run = Replay.record(tmp.resolve("lost"), "nvml-100ms.jsonl", p[0], p[1], r -> r.losingGpuFrom(lostAt),
                new autoglm.record.host.HostProbe());
        RunRecording rec = RunFolder.read(run);
        List<GpuSample> after = rec.gpu().stream().filter(s -> s.timeMs() >= lostAt).toList();
        assertFalse(after.isEmpty());
        for (GpuSample s : after) {
            assertTrue(Double.isNaN(s.utilPct()) && Double.isNaN(s.powerW()) && Double.isNaN(s.memUsedBytes()),
                    "a lost GPU gives empty cells, never zeros");
        }
        assertEquals(after.size(), rec.host().stream().filter(h -> h.timeMs() >= lostAt).count(),
                "the host probe went on sampling every round after the GPU was lost");
        long lostUtil = rec.info().dataLoss().get("nvmlDeviceGetUtilizationRates: GPU is lost (GPU 0)");
        assertEquals(after.size(), lostUtil);
        Diagnoser dx = new Diagnoser(RuleCatalogue.bundled(), ThresholdOverrides.none(), AnalysisSettings.defaults());
        Diagnosis d = dx.diagnoseRun(autoglm.model.run.RunContents.samplesOnly(rec));
        assertTrue(d.dataLoss().lost() >= lostUtil);
        assertTrue(d.metrics().get("gpu_util_pct").value() > 95, "the mean covers the readings there are");
        String csv = Files.readString(run.resolve("gpu.csv"));
        assertTrue(csv.lines().anyMatch(l -> l.matches("[0-9]+,0,GPU-recorded,,,,,,,,,,,,,,,")), "the lost rows are empty");
    }

    @Test
    void independentCheckAgreesWithTheCommittedExpectations() throws Exception {
        Path script = Fixtures.root().resolve("tools/nvml_check.py");
        ProcessBuilder pb = new ProcessBuilder("python3", script.toString()).redirectErrorStream(true);
        Process proc;
        try {
            proc = pb.start();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("python3 is not installed: using the committed expectations");
            return;
        }
        String out = new String(proc.getInputStream().readAllBytes());
        assertEquals(0, proc.waitFor(), out);
        assertEquals(Fixtures.json().readTree(Files.readString(
                Fixtures.root().resolve("testdata/expected/nvml-phases.json"))), Fixtures.json().readTree(out));
    }
}
