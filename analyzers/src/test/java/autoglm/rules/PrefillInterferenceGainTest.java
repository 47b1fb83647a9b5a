package autoglm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Issue 31: prefill-interference's "estimated 98.8% of request latency" was a share of the p99 gap between tokens.
 * Its gain is now the time stalls during other requests' prefill add, over E2EL (docs/analyses.md#prefill-stall),
 * checked against tools/prefill_stall_check.py, written from that definition
 * (testdata/expected/prefill-stall-synthetic-prefill-interference.json; ToolsRerunTest re-runs it).
 */
class PrefillInterferenceGainTest {
    @Test
    void theGainIsTheShareOfRequestLatencyTheStallsAdd() throws Exception {
        JsonNode x = Fixtures.json().readTree(Fixtures.root()
                .resolve("testdata/expected/prefill-stall-synthetic-prefill-interference.json").toFile());
        Diagnosis d = Diagnoser.withDefaults().diagnoseRun(Fixtures.root()
                .resolve("testdata/load/synthetic-prefill-interference"), n -> { }).diagnosis();
        assertEquals(x.get("prefill_stall_pct").asDouble(), d.metrics().get("load_prefill_stall_pct").value(), 1e-9);
        assertEquals(x.get("ttft_share_pct").asDouble(), d.metrics().get("load_ttft_share_pct").value(), 1e-9);
        assertEquals(x.get("requests").asLong(), d.metrics().get("load_prefill_stall_pct").n());
        assertEquals(x.get("stalls_in_prefill_pct").asDouble(),
                d.metrics().get("load_itl_stalls_in_prefill_pct").value(), 1e-9);
        assertEquals(x.get("long_gaps").asLong(), d.metrics().get("load_itl_stalls_in_prefill_pct").n());
        Finding f = d.findings().stream().filter(g -> g.rule().equals("prefill-interference")).findFirst()
                .orElseThrow();
        assertTrue(f.isProblem(), f.severity() + " " + f.reason());
        assertEquals(GainBase.E2EL, f.gain().base());
        assertEquals(x.get("gain_pct").asDouble(), f.gain().percent(), 1e-9);
        // at most the time after the first token: the stalls lie there
        assertEquals(100 - x.get("ttft_share_pct").asDouble(), f.gain().bound(), 1e-9);
        assertTrue(f.gain().percent() < 100 - x.get("ttft_share_pct").asDouble());
    }
}
