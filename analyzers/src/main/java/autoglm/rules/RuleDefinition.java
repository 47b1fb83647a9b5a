package autoglm.rules;

import autoglm.analyse.Parameter;
import java.util.List;

/**
 * A rule as declared in rules/*.yaml: its id (from the catalogue), title, topic, the metrics it needs,
 * typed thresholds, an optional condition, the score curve (metric, zero point, info and warning
 * anchors), the evidence to show, the summary/explanation/fix templates, the gain formula, and
 * {@code verify}: the workload knobs that apply the fix (empty when the workload cannot apply it), which
 * {@code autoglm profile --model ... --verify} re-runs with; {@code verifyEndpoint}: the server and traffic knobs
 * ({@link EndpointKnobs}) that apply it, which {@code autoglm load --serve ... --verify} re-launches with.
 */
public record RuleDefinition(
        String id,
        String family,
        String title,
        String topic,
        List<String> requires,
        List<Parameter> thresholds,
        Expression applies,
        Expression scoreMetric,
        Expression scoreZero,
        Expression scoreInfo,
        Expression scoreWarning,
        List<String> evidence,
        Template summary,
        Template explanation,
        Template fix,
        Expression gainFormula,
        String gainBasis,
        String source,
        java.util.Map<String, String> verify,
        java.util.Map<String, String> verifyEndpoint) {

    public Parameter threshold(String name) {
        for (Parameter p : thresholds) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
