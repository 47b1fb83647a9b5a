package autoglm.diagnose;

import autoglm.Version;
import autoglm.analyse.Metric;
import autoglm.analyse.MetricCatalog;
import autoglm.analyse.Metrics;
import autoglm.analyse.Spread;
import autoglm.analyse.Stats;
import autoglm.model.trace.DataLoss;
import autoglm.analyse.ranks.RankAnalysis;
import autoglm.rules.Finding;
import autoglm.rules.Ranking;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.RuleDefinition;
import autoglm.rules.RuleEngine;
import java.util.HashSet;
import java.util.Set;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several inputs (the ranks of one job) as one diagnosis: metrics averaged over inputs, each rule's finding from
 * its worst input (by the ranking), data loss summed; the cross-rank metrics ({@link RankAnalysis}) computed over all
 * inputs, and the rules that read them evaluated once on the job. One input is itself.
 */
final class Combined {
    private Combined() {
    }

    static Diagnosis of(List<InputDiagnosis> inputs, RuleEngine engine, RuleCatalogue catalogue) {
        if (inputs.size() == 1) {
            InputDiagnosis only = inputs.get(0);
            return new Diagnosis("autoglm", Version.get(), List.copyOf(inputs), only.analysis().metrics(),
                    only.findings(), only.analysis().dataLoss());
        }
        List<autoglm.analyse.ranks.RankSteps> steps = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            steps.add(autoglm.analyse.ranks.RankSteps.of(inputs.get(i).analysis(), label(inputs.get(i), i)));
        }
        return of(inputs, steps, engine, catalogue);
    }

    /** Several inputs whose rank steps were taken when they were read (their models may be without events). */
    static Diagnosis of(List<InputDiagnosis> inputs, List<autoglm.analyse.ranks.RankSteps> steps, RuleEngine engine,
            RuleCatalogue catalogue) {
        List<autoglm.analyse.trace.TraceAnalysis> analyses = new ArrayList<>();
        for (InputDiagnosis in : inputs) {
            analyses.add(in.analysis());
        }
        RankAnalysis.Result ranks = RankAnalysis.ofSteps(analyses, steps);
        Metrics metrics = averaged(inputs).with(ranks.metrics(), RankAnalysis.metricNames());
        // the rules that compare ranks are the job's, evaluated once; the others keep their worst rank's finding
        Set<String> jobRules = new HashSet<>();
        for (RuleDefinition r : catalogue.rules()) {
            if (r.requires().stream().anyMatch(RankAnalysis.metricNames()::contains)) {
                jobRules.add(r.id());
            }
        }
        List<Finding> findings = new ArrayList<>();
        for (Finding f : worstPerRule(inputs)) {
            if (!jobRules.contains(f.rule())) {
                findings.add(f);
            }
        }
        for (Finding f : engine.evaluate(metrics)) {
            if (jobRules.contains(f.rule())) {
                findings.add(f);
            }
        }
        return new Diagnosis("autoglm", Version.get(), List.copyOf(inputs), metrics, Ranking.sorted(findings),
                summedLoss(inputs), ranks.table());
    }

    private static Metrics averaged(List<InputDiagnosis> inputs) {
        Metrics.Builder b = new Metrics.Builder();
        for (String name : MetricCatalog.all().keySet()) {
            if (RankAnalysis.metricNames().contains(name)) {
                continue;
            }
            double[] v = new double[inputs.size()];
            int n = 0;
            String reason = null;
            for (InputDiagnosis in : inputs) {
                Metric m = in.analysis().metrics().get(name);
                if (m.present() && !m.isText()) {
                    v[n++] = m.value();
                } else if (reason == null && !m.present()) {
                    reason = m.reason();
                }
            }
            if (n > 0) {
                Spread s = Stats.spread(v, n);
                b.put(name, Stats.mean(v, n), n, s);
            } else if (reason != null) {
                b.absent(name, reason);
            }
        }
        return b.build();
    }

    private static List<Finding> worstPerRule(List<InputDiagnosis> inputs) {
        Map<String, Finding> worst = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            String label = label(inputs.get(i), i);
            for (Finding f : inputs.get(i).findings()) {
                Finding tagged = new Finding(f.rule(), f.title(), f.topic(), f.severity(), f.score(), f.evidence(),
                        f.thresholds(), f.summary().isEmpty() ? f.summary() : "[" + label + "] " + f.summary(),
                        f.explanation(), f.fix(), f.gain(), f.reason() == null ? null : "[" + label + "] " + f.reason(),
                        f.counted());
                Finding prev = worst.get(f.rule());
                if (prev == null || Ranking.ORDER.compare(tagged, prev) < 0) {
                    worst.put(f.rule(), tagged);
                }
            }
        }
        return Ranking.sorted(worst.values());
    }

    static String label(InputDiagnosis in, int index) {
        Integer rank = in.analysis().model().rank();
        return rank != null ? "rank " + rank : "input " + (index + 1);
    }

    private static DataLoss summedLoss(List<InputDiagnosis> inputs) {
        DataLoss total = DataLoss.empty();
        for (InputDiagnosis in : inputs) {
            total = DataLosses.merge(total, in.analysis().dataLoss());
        }
        return total;
    }
}
