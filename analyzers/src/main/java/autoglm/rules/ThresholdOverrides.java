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
                double v = e.getValue().get(t);
                boolean count = r.counts().stream().anyMatch(c -> c.min().equals(t) || c.full().equals(t));
                if (count && !(v >= 1)) {
                    // a minimum of 0 would judge from no event at all; a full count below 1 would weigh nothing
                    throw new IllegalArgumentException(r.id() + "." + t + " = " + v + ": a minimum count and the count "
                            + "for full weight are at least 1 (a full count below the minimum gives full weight from "
                            + "the minimum)");
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
