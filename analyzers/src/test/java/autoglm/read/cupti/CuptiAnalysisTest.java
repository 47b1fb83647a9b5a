package autoglm.read.cupti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Metrics;
import autoglm.analyse.TraceAnalysis;
import autoglm.analyse.TraceAnalyzer;
import autoglm.analyse.Window;
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
 * figures computed from the raw CSV: passes found from the kernel sequence, kernels per pass, step time,
 * GPU busy share, median kernel; and the rules: launch-bound is the top finding.
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
