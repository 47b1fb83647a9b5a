package autoglm.rules;

import autoglm.analyse.Parameter;
import java.util.List;

/**
 * A rule as declared in rules/*.yaml: its id (from the catalogue), title, topic, the metrics it needs,
 * typed thresholds, an optional condition, the score curve (metric, zero point, info and warning
 * anchors), the evidence to show, the summary/explanation/fix templates, the gain formula with its base and bound
 * (null all three where the rule has no gain model; {@code gainBasis} then says why), and
 * {@code verify}: the workload knobs that apply the fix (empty when the workload cannot apply it), which
 * {@code autoglm profile --model ... --verify} re-runs with; {@code verifyEndpoint}: the server and traffic knobs
 * ({@link EndpointKnobs}) that apply it, which {@code autoglm load --serve ... --verify} re-launches with;
 * {@code verifyAlso}: further workload knob sets verified each on its own, after {@code verify} (a fix made of two
 * changes, or a second fix that changes the work); {@code counts}: the counts its verdict is made from, each with
 * its minimum ({@link CountGate}), or {@code uncounted}: why the rule decides from no count of events (null where it
 * has counts).
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
        GainBase gainBase,
        Expression gainBound,
        String gainBasis,
        String source,
        java.util.Map<String, String> verify,
        java.util.Map<String, String> verifyEndpoint,
        List<java.util.Map<String, String>> verifyAlso,
        Template fixCpu,
        List<CountGate> counts,
        String uncounted) {

    /** The metric that says the workload ran on the CPU ({@code cpu}) or a GPU ({@code cuda}). */
    public static final String DEVICE_TYPE = "workload_device_type";

    /**
     * The fix text for a run: {@code fix_cpu} where the rule has one and the workload ran on the CPU (the usual fix
     * needs CUDA), else {@code fix}.
     */
    public Template fixFor(autoglm.analyse.Metrics metrics) {
        autoglm.analyse.Metric device = metrics.get(DEVICE_TYPE);
        return fixCpu != null && device.present() && device.isText() && "cpu".equals(device.text()) ? fixCpu : fix;
    }

    /** Every workload knob set that verifies this rule, in order: {@code verify}, then {@code verifyAlso}. */
    public List<java.util.Map<String, String>> verifications() {
        if (verify.isEmpty()) {
            return List.of();
        }
        List<java.util.Map<String, String>> out = new java.util.ArrayList<>();
        out.add(verify);
        out.addAll(verifyAlso);
        return List.copyOf(out);
    }

    public Parameter threshold(String name) {
        for (Parameter p : thresholds) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
