package autoglm.diagnose;

import autoglm.analyse.Metrics;
import autoglm.analyse.samples.RunAnalysis;
import autoglm.rules.Finding;
import autoglm.model.trace.DataLoss;
import java.util.List;

/**
 * The answer to "why is this slow": per input, and combined. With one input the combined metrics,
 * findings and data loss are that input's; with several (the ranks of one job), metrics are averaged
 * over inputs, each rule keeps its worst input's finding, and data loss is summed. A profiled run has
 * {@code run} set (its samples' analysis) and its trace inputs, if any, in {@code inputs}. {@code overrides}: the
 * rule thresholds and analysis settings the user set ({@code --set NAME=VALUE}, as typed), which the reports show.
 * {@code ranks}: the per-rank table of several inputs (the ranks of one job), null for one input.
 * {@code fleet}: the serving replicas read back from Prometheus (diagnose --prometheus), each with its own metrics and
 * findings; then {@code metrics} and {@code findings} are the fleet's; null otherwise.
 * {@code served}: a load run's server steps by batch (its kernel recordings or profiler trace against its /metrics),
 * null when it is not one.
 */
public record Diagnosis(String tool, String version, List<InputDiagnosis> inputs, Metrics metrics,
        List<Finding> findings, DataLoss dataLoss, RunAnalysis run, List<Verification> verifications,
        java.util.Map<String, String> overrides, autoglm.analyse.ranks.RankTable ranks, FleetTable fleet,
        autoglm.analyse.load.ServedSteps.Result served) {

    public Diagnosis(String tool, String version, List<InputDiagnosis> inputs, Metrics metrics, List<Finding> findings,
            DataLoss dataLoss, RunAnalysis run, List<Verification> verifications, java.util.Map<String, String> overrides,
            autoglm.analyse.ranks.RankTable ranks, FleetTable fleet) {
        this(tool, version, inputs, metrics, findings, dataLoss, run, verifications, overrides, ranks, fleet, null);
    }

    public Diagnosis(String tool, String version, List<InputDiagnosis> inputs, Metrics metrics, List<Finding> findings,
            DataLoss dataLoss, RunAnalysis run, List<Verification> verifications, java.util.Map<String, String> overrides,
            autoglm.analyse.ranks.RankTable ranks) {
        this(tool, version, inputs, metrics, findings, dataLoss, run, verifications, overrides, ranks, null);
    }

    public Diagnosis {
        overrides = overrides == null ? java.util.Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(overrides));
    }

    public Diagnosis(String tool, String version, List<InputDiagnosis> inputs, Metrics metrics, List<Finding> findings,
            DataLoss dataLoss, RunAnalysis run, List<Verification> verifications) {
        this(tool, version, inputs, metrics, findings, dataLoss, run, verifications, java.util.Map.of(), null);
    }

    /** Several ranks of one job: their combined metrics and findings, with the per-rank table. */
    public Diagnosis(String tool, String version, List<InputDiagnosis> inputs, Metrics metrics, List<Finding> findings,
            DataLoss dataLoss, autoglm.analyse.ranks.RankTable ranks) {
        this(tool, version, inputs, metrics, findings, dataLoss, null, List.of(), java.util.Map.of(), ranks);
    }

    /** This diagnosis with the overrides in force named (--set), for the reports. */
    public Diagnosis withOverrides(java.util.Map<String, String> set) {
        return new Diagnosis(tool, version, inputs, metrics, findings, dataLoss, run, verifications, set, ranks, fleet,
                served);
    }

    public Diagnosis(String tool, String version, List<InputDiagnosis> inputs, Metrics metrics, List<Finding> findings,
            DataLoss dataLoss) {
        this(tool, version, inputs, metrics, findings, dataLoss, null, List.of());
    }

    public Diagnosis(String tool, String version, List<InputDiagnosis> inputs, Metrics metrics, List<Finding> findings,
            DataLoss dataLoss, RunAnalysis run) {
        this(tool, version, inputs, metrics, findings, dataLoss, run, List.of());
    }

    /**
     * This diagnosis with the fixes verified by re-runs: a finding whose fix was measured gets a measured
     * gain (from its best measured fix that does the same work, else its best measured fix), the share of serving time saved (1 - tokens/s before / tokens/s after; for a load run, of end-to-end
     * latency: 1 - E2EL after / E2EL before); the others keep theirs.
     * The findings are ranked again ({@link autoglm.rules.Ranking}): a measured gain takes its estimate's place.
     */
    public Diagnosis withVerifications(List<Verification> verified) {
        java.util.List<Finding> out = new java.util.ArrayList<>();
        for (Finding f : findings) {
            Finding g = f;
            double best = Double.NEGATIVE_INFINITY;
            boolean bestSameWork = false;
            for (Verification v : verified) {
                Verification.Comparison tps = v.comparison("tokens_per_s");
                String basis = "1 - tokens_per_s before / tokens_per_s after";
                autoglm.rules.GainBase base = autoglm.rules.GainBase.SERVING;
                if (tps == null || Double.isNaN(tps.factor())) {
                    tps = v.comparison("load_e2el_ms");
                    basis = "1 - load_e2el_ms after / load_e2el_ms before";
                    base = autoglm.rules.GainBase.E2EL;
                }
                if (!v.rule().equals(f.rule()) || v.status() != Verification.Status.MEASURED || tps == null
                        || Double.isNaN(tps.speedup())) {
                    continue;
                }
                double percent = 100 * (1 - 1 / tps.speedup());
                boolean sameWork = v.workChange() == null;
                // the best fix that does the same work; one that changes the work only when no other was measured
                if ((sameWork && !bestSameWork) || (sameWork == bestSameWork && percent > best)) {
                    best = percent;
                    bestSameWork = sameWork;
                    g = new Finding(f.rule(), f.title(), f.topic(), f.severity(), f.score(), f.evidence(),
                            f.thresholds(), f.summary(), f.explanation(), f.fix(),
                            new autoglm.rules.Gain(autoglm.rules.Gain.MEASURED, percent, Double.NaN, basis,
                                    "re-run with " + Verification.knobText(v.knobs()) + " in this invocation (run "
                                            + v.run() + ")" + (sameWork ? "" : "; " + v.workChange()), base),
                            f.reason(), f.counted());
                }
            }
            out.add(g);
        }
        return new Diagnosis(tool, version, inputs, metrics, autoglm.rules.Ranking.sorted(out), dataLoss, run,
                List.copyOf(verified), overrides, ranks, fleet, served);
    }

    /** The highest severity among the findings. */
    public autoglm.rules.Severity worst() {
        autoglm.rules.Severity worst = autoglm.rules.Severity.NOT_APPLICABLE;
        for (Finding f : findings) {
            if (f.severity().ordinal() < worst.ordinal()) {
                worst = f.severity();
            }
        }
        return worst;
    }
}
