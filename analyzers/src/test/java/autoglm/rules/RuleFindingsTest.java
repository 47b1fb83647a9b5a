package autoglm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.AnalysisSettings;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules on the real H100 traces: each fires where it must and stays silent on the healthy prefill. */
class RuleFindingsTest {
    private static final Map<String, Diagnosis> CACHE = new HashMap<>();

    @TempDir
    Path tmp;

    static synchronized Diagnosis diagnose(String fixture) {
        return CACHE.computeIfAbsent(fixture, f -> diagnoser().diagnose(List.of(Fixtures.trace(f))));
    }

    static Diagnoser diagnoser() {
        return new Diagnoser(RuleCatalogue.bundled(), ThresholdOverrides.none(), AnalysisSettings.defaults());
    }

    static Finding find(Diagnosis d, String rule) {
        for (Finding f : d.findings()) {
            if (f.rule().equals(rule)) {
                return f;
            }
        }
        throw new AssertionError("no result for " + rule);
    }

    static int rank(Diagnosis d, String rule) {
        for (int i = 0; i < d.findings().size(); i++) {
            if (d.findings().get(i).rule().equals(rule)) {
                assertTrue(d.findings().get(i).isProblem(), rule + " should be a problem");
                return i + 1;
            }
        }
        throw new AssertionError("no result for " + rule);
    }

    @Test
    void launchBoundTopsBothEagerDecodeTraces() {
        for (String trace : new String[] {Fixtures.DECODE_KV, Fixtures.DECODE8}) {
            Finding top = diagnose(trace).findings().get(0);
            assertEquals("launch-bound", top.rule(), trace);
            assertEquals(Severity.WARNING, top.severity(), trace);
            assertEquals("estimated", top.gain().kind());
            assertTrue(top.gain().percent() > 50, trace + " gain " + top.gain().percent());
        }
    }

    @Test
    void dataloaderStallTopsTheDataLoaderTrace() throws Exception {
        Finding top = diagnose(Fixtures.DATALOADER).findings().get(0);
        assertEquals("dataloader-stall", top.rule());
        assertEquals(Severity.WARNING, top.severity());
        assertEquals(Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/independent.json").toFile())
                .get(Fixtures.DATALOADER).get("dataloader_pct").asDouble(), top.evidence().get("dataloader_pct").value(), 0.01);
    }

    @Test
    void pageableMemcpyAndHostSyncInTheTopThreeOfThePageableTrace() {
        Diagnosis d = diagnose(Fixtures.PAGEABLE);
        assertTrue(rank(d, "pageable-memcpy") <= 3, "pageable-memcpy rank " + rank(d, "pageable-memcpy"));
        assertTrue(rank(d, "host-sync") <= 3, "host-sync rank " + rank(d, "host-sync"));
    }

    @Test
    void noTensorCoresForFp32AndSilentForBf16() {
        Finding fp32 = find(diagnose(Fixtures.PREFILL_FP32), "no-tensor-cores");
        assertEquals(Severity.WARNING, fp32.severity());
        assertEquals(1, rank(diagnose(Fixtures.PREFILL_FP32), "no-tensor-cores"));
        assertEquals(Severity.OK, find(diagnose(Fixtures.PREFILL_BF16), "no-tensor-cores").severity());
        assertEquals(Severity.OK, find(diagnose(Fixtures.DECODE_KV), "no-tensor-cores").severity());
    }

    @Test
    void noKvCacheInTheTopTwoAndTheTraceIsLaunchBoundToo() {
        Diagnosis d = diagnose(Fixtures.DECODE_NO_KV);
        assertTrue(rank(d, "no-kv-cache") <= 2, "no-kv-cache rank " + rank(d, "no-kv-cache"));
        assertTrue(find(d, "launch-bound").isProblem());
        assertEquals(Severity.OK, find(diagnose(Fixtures.DECODE_KV), "no-kv-cache").severity());
        assertEquals(Severity.OK, find(diagnose(Fixtures.DECODE8), "no-kv-cache").severity());
    }

    @Test
    void theHealthyPrefillHasNoWarning() {
        for (Finding f : diagnose(Fixtures.PREFILL_BF16).findings()) {
            assertNotEquals(Severity.WARNING, f.severity(), f.rule() + ": " + f.summary());
        }
    }

    @Test
    void everyRuleFiresSomewhereAndIsSilentOnTheNegativeControl() throws Exception {
        Map<String, String> firesOn = Map.of(
                "launch-bound", Fixtures.DECODE_KV,
                "host-blocked", Fixtures.PAGEABLE,
                "small-kernels", Fixtures.DECODE_KV,
                "low-occupancy", Fixtures.DECODE_KV,
                "dataloader-stall", Fixtures.DATALOADER,
                "pageable-memcpy", Fixtures.PAGEABLE,
                "host-sync", Fixtures.PAGEABLE,
                "no-tensor-cores", Fixtures.PREFILL_FP32,
                "no-kv-cache", Fixtures.DECODE_NO_KV);
        for (Map.Entry<String, String> e : firesOn.entrySet()) {
            assertTrue(find(diagnose(e.getValue()), e.getKey()).isProblem(), e.getKey() + " on " + e.getValue());
            assertFalse(find(diagnose(Fixtures.PREFILL_BF16), e.getKey()).isProblem(), e.getKey() + " on the control");
        }
        assertEquals(Severity.NOT_APPLICABLE, find(diagnose(Fixtures.PREFILL_BF16), "comm-bound").severity());
        assertEquals(Severity.NOT_APPLICABLE, find(diagnose(Fixtures.PREFILL_BF16), "dataloader-stall").severity());
    }

    @Test
    void commBoundFiresWhenNcclKernelsDoNotOverlapCompute() throws Exception {
        // the GEMMs of the DataLoader trace renamed to NCCL all-reduce kernels: communication that runs alone on the
        // GPU stream; tools/analysis_check.py makes the same trace ("nccl-renamed") and computes its share
        ObjectNode t = Fixtures.read(Fixtures.DATALOADER);
        int renamed = 0;
        for (JsonNode e : t.get("traceEvents")) {
            if (e.path("cat").asText().equals("kernel") && e.path("name").asText().startsWith("nvjet")) {
                ((ObjectNode) e).put("name", "ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevKernelArgsStorage<4096ul>)");
                renamed++;
            }
        }
        JsonNode x = Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/analysis.json").toFile())
                .get("nccl-renamed");
        assertEquals(x.get("renamed").asInt(), renamed);
        Diagnosis d = diagnoser().diagnose(List.of(Fixtures.write(t, tmp.resolve("nccl.json.gz"))));
        Finding comm = find(d, "comm-bound");
        assertEquals(Severity.WARNING, comm.severity(), comm.summary());
        assertEquals(x.get("comm_time_pct").asDouble(), comm.evidence().get("comm_time_pct").value(), 1e-6);
        assertEquals(0, comm.evidence().get("comm_overlap_pct").value(), 1e-9);
        assertEquals(Severity.NOT_APPLICABLE, find(d, "no-tensor-cores").severity());
        // the renamed kernels are communication: left out of the kernel-size, occupancy and launch figures
        // (docs/analyses.md#communication), counted among the kernels
        for (String f : new String[] {"kernels", "kernels_per_step", "kernel_us", "occupancy_pct", "launch_cpu_us"}) {
            assertEquals(x.get(f).asDouble(), d.metrics().get(f).value(), 1e-6, f);
        }
    }

    @Test
    void aCpuOnlyTraceMakesTheGpuRulesNotApplicable() throws Exception {
        ObjectNode t = Fixtures.without(Fixtures.read(Fixtures.DATALOADER), Fixtures::isGpuActivity);
        Diagnosis d = diagnoser().diagnose(List.of(Fixtures.write(t, tmp.resolve("cpu.json"))));
        for (String rule : new String[] {"launch-bound", "small-kernels", "low-occupancy", "pageable-memcpy",
            "host-sync", "no-tensor-cores", "comm-bound"}) {
            Finding f = find(d, rule);
            assertEquals(Severity.NOT_APPLICABLE, f.severity(), rule);
            assertTrue(f.reason().contains("no GPU activity"), f.reason());
        }
        // the DataLoader is on the CPU side and is still judged
        assertEquals("dataloader-stall", d.findings().get(0).rule());
    }

    @Test
    void rankingFollowsTheDocumentedOrder() {
        // docs/analyses.md#ranking: reported, then ok, then not applicable; reported findings by gain, warnings
        // without an estimate before them and infos without one after (written here apart from Ranking's code)
        for (String trace : new String[] {Fixtures.DECODE_KV, Fixtures.PAGEABLE, Fixtures.DECODE_NO_KV,
            Fixtures.PREFILL_FP32, Fixtures.DATALOADER}) {
            List<Finding> fs = diagnose(trace).findings();
            int lastBand = 0;
            double lastKey = Double.POSITIVE_INFINITY;
            for (Finding f : fs) {
                int band = f.isProblem() ? 0 : f.severity() == Severity.OK ? 1 : 2;
                assertTrue(band >= lastBand, trace + ": " + f.rule() + " out of its band");
                if (band > lastBand) {
                    lastKey = Double.POSITIVE_INFINITY;
                }
                lastBand = band;
                if (band == 0) {
                    boolean priced = !Double.isNaN(f.gain().percent());
                    double key = priced ? f.gain().percent() : f.severity() == Severity.WARNING ? 1000 : -1;
                    assertTrue(key <= lastKey, trace + ": " + f.rule() + " ranked after a smaller gain");
                    lastKey = key;
                }
            }
        }
    }
}
