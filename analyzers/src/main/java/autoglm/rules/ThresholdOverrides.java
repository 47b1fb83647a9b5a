package autoglm.rules;

import autoglm.analyse.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Threshold values given by the user ({@code --set RULE.THRESHOLD=VALUE}), checked against the catalogue. */
public final class ThresholdOverrides {
    private final Map<String, Map<String, Double>> byRule;

    private ThresholdOverrides(Map<String, Map<String, Double>> byRule) {
        this.byRule = byRule;
    }

    public static ThresholdOverrides none() {
        return new ThresholdOverrides(Map.of());
    }

    /** Checks every (rule, threshold) against the catalogue; the message names what is wrong. */
    public static ThresholdOverrides of(RuleCatalogue catalogue, Map<String, Map<String, Double>> values) {
        Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Double>> e : values.entrySet()) {
            RuleDefinition r = catalogue.get(e.getKey());
            if (r == null) {
                throw new IllegalArgumentException("unknown rule '" + e.getKey() + "' (see autoglm rules)");
            }
            for (String t : e.getValue().keySet()) {
                Parameter p = r.threshold(t);
                if (p == null) {
                    StringBuilder names = new StringBuilder();
                    for (Parameter q : r.thresholds()) {
                        names.append(names.length() == 0 ? "" : ", ").append(q.name());
                    }
                    throw new IllegalArgumentException("rule '" + r.id() + "' has no threshold '" + t + "'"
                            + (names.length() == 0 ? "" : " (it has: " + names + ")"));
                }
            }
            copy.put(e.getKey(), Collections.unmodifiableMap(new LinkedHashMap<>(e.getValue())));
        }
        return new ThresholdOverrides(Collections.unmodifiableMap(copy));
    }

    /** The value in force for a rule's threshold. */
    public double value(RuleDefinition rule, Parameter threshold) {
        Map<String, Double> m = byRule.get(rule.id());
        Double v = m == null ? null : m.get(threshold.name());
        return v == null ? threshold.defaultValue() : v;
    }
}
