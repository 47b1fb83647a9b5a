package autoglm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.Metric;
import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.Verification;
import autoglm.diagnose.charts.ChartSet;
import autoglm.rules.Finding;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 31, in every report: gains name their base; gains on one base that overlap are combined (1 - Π(1 - g),
 * docs/analyses.md#overlapping-gains), never summed past 100%; a signed before/after is a difference, never
 * "x better".
 */
class GainReportTest {
    private static Diagnosis agentRun() {
        // the glm-tiny agent run: queueing and prefix-cache-miss, both shares of request latency
        return Diagnoser.withDefaults().diagnoseRun(Fixtures.root().resolve("testdata/load/agent-glm-tiny"), n -> { })
                .diagnosis();
    }

    private static String render(Report r, Diagnosis d) throws Exception {
        StringWriter w = new StringWriter();
        r.write(d, w);
        return w.toString();
    }

    @Test
    void overlappingGainsAreCombinedInEveryReport() throws Exception {
        Diagnosis d = agentRun();
        List<Double> e2el = new ArrayList<>();
        double remaining = 1;
        for (Finding f : d.findings()) {
            if (f.isProblem() && f.gain().applicable() && f.gain().base() == autoglm.rules.GainBase.E2EL) {
                e2el.add(f.gain().percent());
                remaining *= 1 - f.gain().percent() / 100;
            }
        }
        assertTrue(e2el.size() >= 2, "the run's gains on request latency: " + e2el);
        double combined = 100 * (1 - remaining);
        assertTrue(combined <= 100 && combined >= e2el.stream().mapToDouble(Double::doubleValue).max().orElseThrow());

        JsonNode j = Fixtures.json().readTree(render(new JsonReport(), d));
        JsonNode o = j.get("gainOverlaps");
        assertEquals(1, o.size(), o.toString());
        assertEquals("e2el", o.get(0).get("base").asText());
        assertEquals(combined, o.get(0).get("combinedPct").asDouble(), 1e-9);
        assertEquals(e2el.size(), o.get(0).get("gains").size());
        for (JsonNode f : j.get("findings")) {
            if (f.get("gain").get("kind").asText().equals("estimated") && !f.get("gain").get("percent").isNull()
                    && f.get("severity").asText().matches("warning|info")) {
                assertFalse(f.get("gain").get("base").isNull(), f.get("rule").asText() + " names no base");
            }
        }
        String shown = "combined " + Quantities.format(combined, Unit.PERCENT);
        String terminal = render(new TerminalReport(false, false, 5), d);
        assertTrue(terminal.contains("Overlapping gains"), terminal);
        assertTrue(terminal.replaceAll("\\s+", " ").contains(shown), terminal);
        assertTrue(terminal.contains("of request latency (E2EL)"), terminal);
        String markdown = render(new MarkdownReport(), d);
        assertTrue(markdown.replaceAll("\\s+", " ").contains(shown), markdown);
        String html = render(new HtmlReport(ChartSet.EMPTY), d);
        assertTrue(html.contains("class=\"overlaps\"") && html.replaceAll("\\s+", " ").contains(shown), html);
    }

    @Test
    void aGainCappedByItsBoundSaysSo() {
        autoglm.rules.Gain g = new autoglm.rules.Gain(autoglm.rules.Gain.ESTIMATED, 35, Double.NaN, "2 * x", "basis",
                autoglm.rules.GainBase.E2EL, 35, "server_queue_share_pct", true);
        Finding f = new Finding("r", "t", "endpoint", autoglm.rules.Severity.INFO, 50, java.util.Map.of(),
                java.util.Map.of(), "", "", "", g, null, null);
        assertEquals("estimated 35.0% of request latency (E2EL): basis; capped at its bound, server_queue_share_pct "
                + "(35.0%), the share of request latency (E2EL) the cause takes", GainText.text(f));
    }

    @Test
    void aSignedBeforeAndAfterIsADifference() {
        Verification.Comparison slope = new Verification.Comparison("load_step_ttft_slope_ms",
                Metric.of("load_step_ttft_slope_ms", Unit.MS_PER_STEP, -725, 20, null),
                Metric.of("load_step_ttft_slope_ms", Unit.MS_PER_STEP, -102, 20, null), true);
        String cell = VerifyText.cell(slope);
        assertEquals("-725 ms per step -> -102 ms per step (+623 ms per step)", cell);
        assertFalse(cell.contains("x better") || cell.contains("x worse"), cell);
        Verification.Comparison e2el = new Verification.Comparison("load_e2el_ms",
                Metric.of("load_e2el_ms", Unit.MILLISECONDS, 2000, 20, null),
                Metric.of("load_e2el_ms", Unit.MILLISECONDS, 500, 20, null), true);
        assertEquals("2.00 s -> 500 ms (4.00x better)", VerifyText.cell(e2el));
    }

    @Test
    void compareGivesASignedQuantityItsDifference() {
        autoglm.compare.MetricChange slope = new autoglm.compare.MetricChange("load_step_ttft_slope_ms",
                Metric.of("load_step_ttft_slope_ms", Unit.MS_PER_STEP, -725, 20, null),
                Metric.of("load_step_ttft_slope_ms", Unit.MS_PER_STEP, -102, 20, null),
                autoglm.analyse.WelchTest.notApplicable("test"));
        assertTrue(Double.isNaN(slope.deltaPct()), "no relative change of a signed quantity: " + slope.deltaPct());
        assertEquals("+623 ms per step", CompareTextReport.change(slope));
        autoglm.compare.MetricChange step = new autoglm.compare.MetricChange("step_time_ms",
                Metric.of("step_time_ms", Unit.MILLISECONDS, 100, 20, null),
                Metric.of("step_time_ms", Unit.MILLISECONDS, 120, 20, null),
                autoglm.analyse.WelchTest.notApplicable("test"));
        assertEquals("+20.0%", CompareTextReport.change(step));
    }
}
