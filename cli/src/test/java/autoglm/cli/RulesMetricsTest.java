package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.MetricCatalog;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** {@code autoglm rules --metrics}: the metric catalogue by family; docs/metrics.md is its Markdown listing. */
class RulesMetricsTest {
    @Test
    void docsMetricsMdIsTheMarkdownListing() throws Exception {
        Run r = Run.of("rules", "--metrics", "--format", "markdown");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        String doc = Files.readString(Fixtures.root().resolve("docs/metrics.md"));
        assertEquals(r.out(), doc, "docs/metrics.md is stale: regenerate it with "
                + "./autoglm rules --metrics --format markdown > docs/metrics.md");
    }

    @Test
    void theTerminalListingNamesEveryMetricAndJsonIsRefusedInOneLine() {
        Run r = Run.of("rules", "--metrics");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        for (String name : MetricCatalog.all().keySet()) {
            assertTrue(r.out().contains("\n  " + name + " "), name);
        }
        Run json = Run.of("rules", "--metrics", "--format", "json");
        assertEquals(ExitCodes.BAD_INPUT, json.code());
        assertEquals("autoglm: --metrics lists the metrics as terminal or markdown, not json\n", json.err());
    }
}
