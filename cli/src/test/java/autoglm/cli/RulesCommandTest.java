package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.Parameter;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.RuleDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class RulesCommandTest {
    @Test
    void listsEveryRuleWithItsThresholdsAndDefaults() {
        Run r = Run.of("rules");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        for (RuleDefinition rule : RuleCatalogue.bundled().rules()) {
            assertTrue(r.out().contains(rule.id() + "  [" + rule.family() + "]"), rule.id());
            for (Parameter p : rule.thresholds()) {
                assertTrue(r.out().contains(rule.id() + "." + p.name() + " = "), rule.id() + "." + p.name());
            }
        }
        assertTrue(r.out().contains("launch-bound.busy_info_pct = 50%"), r.out());
        assertTrue(r.out().contains("analysis.consecutive_kernel_delay_ns = 30 us"), r.out());
    }

    @Test
    void jsonListing() throws Exception {
        JsonNode j = Fixtures.json().readTree(Run.of("rules", "--format", "json").out());
        assertEquals(RuleCatalogue.bundled().rules().size(), j.get("rules").size());
        java.util.Set<String> ids = new java.util.HashSet<>();
        j.get("rules").forEach(r -> ids.add(r.get("id").asText()));
        assertTrue(ids.contains("launch-bound") && ids.contains("comm-bound"), ids.toString());
        for (JsonNode rule : j.get("rules")) {
            for (JsonNode t : rule.get("thresholds")) {
                autoglm.analyse.Unit.ofKey(t.get("unit").asText());
                assertTrue(t.get("default").isNumber(), rule.get("id") + "." + t.get("name"));
            }
        }
    }

    @Test
    void docsRulesMdIsTheMarkdownListing() throws Exception {
        Run r = Run.of("rules", "--format", "markdown");
        String doc = Files.readString(Fixtures.root().resolve("docs/rules.md"));
        assertEquals(r.out(), doc, "docs/rules.md is stale: regenerate it with ./autoglm rules --format markdown > docs/rules.md");
    }

    @Test
    void versionAndHelp() {
        Run v = Run.of("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("autoglm "), v.out());
        Run h = Run.of("diagnose", "--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("--fail-on"), h.out());
        assertTrue(h.out().contains("Exit codes"), h.out());
        assertEquals(ExitCodes.BAD_INPUT, Run.of().code());
        // rules lists rules and exits 0: --fail-on means nothing there, so it is not an option of rules
        Run r = Run.of("rules", "--help");
        assertTrue(!r.out().contains("--fail-on"), r.out());
        Run bad = Run.of("rules", "--fail-on", "warning");
        assertEquals(ExitCodes.BAD_INPUT, bad.code());
        assertEquals("autoglm: unknown options: '--fail-on', 'warning' (see: autoglm rules --help)\n", bad.err());
    }
}
