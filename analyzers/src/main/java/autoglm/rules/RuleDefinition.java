package autoglm.rules;

import autoglm.analysis.Parameter;
import java.util.List;

/**
 * A rule as declared in rules/*.yaml: its id (from the catalogue), title, topic, the metrics it needs,
 * typed thresholds, an optional condition, the score curve (metric, zero point, info and warning
 * anchors), the evidence to show, the summary/explanation/fix templates and the gain formula.
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
        String source) {

    public Parameter threshold(String name) {
        for (Parameter p : thresholds) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
