package autoglm.read.cupti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Metrics;
import autoglm.analyse.trace.TraceAnalysis;
import autoglm.analyse.trace.TraceAnalyzer;
import autoglm.analyse.trace.Window;
import autoglm.diagnose.Diagnoser;
import autoglm.rules.Finding;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.Severity;
import autoglm.rules.ThresholdOverrides;
import autoglm.model.trace.TraceModel;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The timeline analyses on the H100 CUPTI recording of eager decode, against tools/cupti_check.py's
 * figures computed from the raw CSV: the anchor kernel and the passes found from the kernel sequence, kernels per
 * pass, step time, GPU busy share, median kernel; and the rules: launch-bound is the top finding.
 *
 * <p>What is independent and what is self-consistency only: the CSV (testdata/cupti/*.csv.gz) is what the H100
 * recorded; the .bin was written from it by this project's own writer (tools/make-cupti-testdata.sh), so these
 * tests check the reader and the analyses against plain Python over the CSV, not the writer against CUPTI. The
 * anchor and pass definitions are heuristics of ours (docs/analyses.md), which the checker implements from the docs.
 */
class CuptiAnalysisTest {
    private static TraceModel model() {
        return CuptiLoader.load(List.of(Recordings.decode())).model();
    }

    @Test
    void passesAreFoundFromTheKernelSequence() throws Exception {
        JsonNode x = Recordings.expected();
        TraceAnalysis a = new TraceAnalyzer(AnalysisSettings.defaults()).analyze(model());
        Window w = a.window();
        assertEquals(Window.Basis.KERNEL_PASSES, w.basis());
        assertEquals("void cutlass::Kernel2<cutlass_80_simt_sgemm_128x32_8x5_tn_align1>"
                + "(cutlass_80_simt_sgemm_128x32_8x5_tn_align1::Params)", w.anchor());
        assertEquals("_ZN7cutlass7Kernel2I42cutlass_80_simt_sgemm_128x32_8x5_tn_align1EEvNT_6ParamsE",
                x.get("anchor").asText(), "the checker chose the same kernel (mangled in the CSV)");
        assertEquals(x.get("passes").asInt(), w.iterations());
        Metrics m = a.metrics();
        assertEquals(x.get("kernels_kept").asDouble(), m.get("kernels").value(), 0);
        assertEquals(x.get("kernels_per_step").asDouble(), m.get("kernels_per_step").value(), 1e-9);
        assertEquals(x.get("step_time_ms").asDouble(), m.get("step_time_ms").value(), 1e-9);
        assertEquals(x.get("gpu_span_ms").asDouble(), m.get("gpu_span_ms").value(), 1e-9);
        assertEquals(x.get("gpu_busy_pct_whole_span").asDouble(), m.get("gpu_busy_pct").value(), 1e-9);
        assertEquals(x.get("kernel_us_median").asDouble(), m.get("kernel_us").value(), 1e-9);
    }

    @Test
    void launchBoundIsTheTopFinding() {
        Diagnoser d = new Diagnoser(RuleCatalogue.bundled(), ThresholdOverrides.none(), AnalysisSettings.defaults());
        List<Finding> findings = d.diagnose(model()).findings();
        Finding top = findings.get(0);
        assertEquals("launch-bound", top.rule());
        assertEquals(Severity.INFO, top.severity(), "busy 26.8% is past the 50% info threshold, short of 20% warning");
        assertTrue(top.gain().percent() > 40, "gain " + top.gain().percent());
        Finding small = findings.stream().filter(f -> f.rule().equals("small-kernels")).findFirst().orElseThrow();
        assertEquals(Severity.WARNING, small.severity());
        assertTrue(small.gain().percent() < top.gain().percent(), "ranked by gain: small-kernels comes later");
        for (String silent : new String[] {"pageable-memcpy", "host-sync", "host-blocked"}) {
            Finding f = findings.stream().filter(x -> x.rule().equals(silent)).findFirst().orElseThrow();
            assertEquals(Severity.OK, f.severity(), silent + ": " + f.summary() + f.reason());
        }
    }
}
