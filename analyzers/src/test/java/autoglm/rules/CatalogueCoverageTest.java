package autoglm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import autoglm.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which rules of the bottleneck catalogue (../shared/catalogue.md; its ids in testdata/expected/catalogue-ids.json,
 * made by tools/catalogue_ids.py) the bundled rules implement, and which are still missing. Adding a rule moves
 * its id from MISSING to the bundle; a bundled rule the catalogue does not name fails unless an issue asked for it
 * (BEYOND_CATALOGUE).
 */
class CatalogueCoverageTest {
    /** Catalogue rules not implemented yet, in catalogue order: the issues that add them remove them here. */
    static final List<String> MISSING = List.of();
    /** Rules the catalogue does not name that an issue asked for, by the issue: the endpoint rules of issue 15. */
    static final Set<String> BEYOND_CATALOGUE = Set.of("kv-cache-pressure", "preemption", "prefix-cache-miss",
            "prefill-interference", "image-heavy", "client-limited",
            "load-imbalance", "idle-replica", "straggler-replica", "throttling-node", // issue 19: fleet rules
            "launch-bound-low-batch", "prefill-stalls-decode", "vision-encoder-share"); // issue 20: served steps

    @Test
    void theBundleImplementsTheCatalogueButTheRulesNamedMissing() throws Exception {
        JsonNode sections = Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/catalogue-ids.json")
                .toFile());
        Set<String> catalogue = new LinkedHashSet<>();
        sections.forEach(list -> list.forEach(id -> catalogue.add(id.asText())));
        Set<String> bundled = new LinkedHashSet<>();
        RuleCatalogue.bundled().rules().forEach(r -> bundled.add(r.id()));
        Set<String> extra = new LinkedHashSet<>(bundled);
        extra.removeAll(catalogue);
        assertEquals(BEYOND_CATALOGUE, extra, "bundled rules the catalogue does not name (beyond those issues asked for)");
        Set<String> missing = new LinkedHashSet<>(catalogue);
        missing.removeAll(bundled);
        assertEquals(MISSING, List.copyOf(missing), "catalogue rules not implemented");
        System.out.println("catalogue coverage: " + bundled.size() + " of " + catalogue.size() + " rules; missing: "
                + String.join(", ", missing));
    }
}
