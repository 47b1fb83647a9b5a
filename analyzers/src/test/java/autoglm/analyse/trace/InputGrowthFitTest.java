package autoglm.analyse.trace;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.rules.Finding;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.Severity;
import autoglm.rules.ThresholdOverrides;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * no-kv-cache without recorded shapes decides from a line of GPU time over the iterations (docs/analyses.md#fits):
 * on the decode without a KV cache (testdata/traces, its shapes removed) the tiny model's GPU time does not grow at
 * all (each step is launch-bound), so the line has no significant slope and the rule is not applicable, with that
 * reason, where before it said OK: no sign of the missing cache was taken for its absence.
 */
class InputGrowthFitTest {
    @TempDir
    Path tmp;

    private Path withoutShapes() throws Exception {
        ObjectNode t = Fixtures.read(Fixtures.DECODE_NO_KV);
        for (JsonNode e : t.get("traceEvents")) {
            if (e.get("args") instanceof ObjectNode a) {
                a.remove(List.of("Input Dims", "Input type", "Input Strides", "Concrete Inputs"));
            }
        }
        return Fixtures.write(t, tmp.resolve("decode-no-kv-no-shapes.trace.json.gz"));
    }

    private static Finding noKvCache(Diagnosis d) {
        return d.findings().stream().filter(f -> f.rule().equals("no-kv-cache")).findFirst().orElseThrow();
    }

    @Test
    void aFlatLineOfGpuTimeDecidesNothing() throws Exception {
        Diagnosis d = Diagnoser.withDefaults().diagnose(List.of(withoutShapes()));
        assertEquals("GPU time per iteration (shapes not recorded)", d.metrics().get("input_growth_basis").text());
        Metric steps = d.metrics().get("input_growth_steps");
        assertFalse(steps.present());
        assertTrue(steps.reason().contains("GPU time per iteration shows no significant trend"), steps.reason());
        assertTrue(d.metrics().get("input_growth_p").value() >= 0.05);
        Finding f = noKvCache(d);
        assertEquals(Severity.NOT_APPLICABLE, f.severity());
        assertTrue(f.reason().contains("record_shapes=True"), f.reason());

        // the level is a setting: at 0.99 the same slope counts, and a line with R^2 far below min_growth_r2 is no
        // growth (OK), as a significant flat or falling line is
        Diagnosis loose = new Diagnoser(RuleCatalogue.bundled(), ThresholdOverrides.none(),
                AnalysisSettings.of(Map.of("fit_alpha", 0.99))).diagnose(List.of(withoutShapes()));
        assertEquals(0, loose.metrics().get("input_growth_steps").value());
        assertEquals(Severity.OK, noKvCache(loose).severity());
    }
}
