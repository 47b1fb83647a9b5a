package autoglm.result;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The result JSON of {@code diagnose}/{@code profile --format json} (schema 1, docs/formats.md), bound with
 * {@link autoglm.util.StrictBinding}: the top level, metrics, findings and the kernel table refuse keys not named
 * here. The parts gate and compare do not read (inputs, run beyond its status, data loss, verify, and the
 * breakdown's other tables) are kept as trees.
 */
record ResultJsonSpec(String tool, String version, Integer schema, JsonNode inputs, JsonNode run,
        Map<String, MetricSpec> metrics, String findingsOrder, List<FindingSpec> findings, BreakdownSpec breakdown,
        JsonNode dataLoss, JsonNode verify) {

    /** {@code value} is a tree: a number, null, or text such as "NaN" that gate judges as a bad value. */
    /** {@code items}: the typed parts of a breakdown metric (its {@code text} is the same on one line). */
    record MetricSpec(String unit, JsonNode value, Boolean bad, String reason, String text, JsonNode items, Long n,
            Double min, Double p50, Double p95, Double p99, Double max, Double stdev) {
    }

    record FindingSpec(String rule, String title, String topic, String severity, Double score, JsonNode evidence,
            JsonNode thresholds, String summary, String explanation, String fix, JsonNode gain, String reason) {
    }

    record BreakdownSpec(Long kernelCount, Double kernelTimeMs, List<KernelSpec> kernels, JsonNode families,
            JsonNode types, JsonNode streams, JsonNode copies) {
    }

    record KernelSpec(String name, String family, Long count, Double totalMs, Double meanUs, Double minUs, Double maxUs,
            Double stdevUs, Double sharePct) {
    }
}
