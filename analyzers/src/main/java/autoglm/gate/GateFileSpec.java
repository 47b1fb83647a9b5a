package autoglm.gate;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The mappings of a gate thresholds file (docs/gate.md), bound with {@link autoglm.util.StrictBinding}: any key not
 * named here is refused. The file's top-level keys are metric names, checked against the metric catalogue.
 */
final class GateFileSpec {
    private GateFileSpec() {
    }

    /** {@code findings: {max_severity: info, new_only: true}}. */
    record Findings(@JsonProperty("max_severity") String maxSeverity, @JsonProperty("new_only") Boolean newOnly) {
    }

    /** {@code noise: {alpha: 0.05, within_noise: pass}}. */
    record Noise(Double alpha, @JsonProperty("within_noise") String withinNoise) {
    }

    /** {@code METRIC: {limit: +10%, optional: true}}; the limit is text ("+10%") or a number (YAML reads "+1" so). */
    record Limit(JsonNode limit, Boolean optional) {
    }
}
