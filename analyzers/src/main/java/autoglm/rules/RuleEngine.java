package autoglm.rules;

import autoglm.analyse.Metric;
import autoglm.analyse.Metrics;
import autoglm.analyse.Parameter;
import autoglm.analyse.Quantities;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates every rule of a catalogue on the metrics of one input and ranks the results in the one order of
 * {@link Ranking}. A rule whose required metric is absent is not applicable, with the metric's own reason; a rule
 * whose condition is not met is ok. A rule with counts ({@link CountGate}) is not applicable below its minimum
 * ("too few to judge"), and its score is weighed by the count that limits it ({@link Counted}). A gain is at most
 * its rule's bound and 100%, and a small estimated gain caps the score ({@link GainCeiling}); the finding's reason
 * then says so. Findings are data; nothing here prints.
 */
public final class RuleEngine {
    private static final Pattern IDENT = Pattern.compile("[a-z][a-z0-9_]*");

    private final RuleCatalogue catalogue;
    private final ThresholdOverrides overrides;
    private final GainCeiling ceiling;

    /** With the default {@code analysis.min_gain_pct} and {@code analysis.negligible_gain_pct}. */
    public RuleEngine(RuleCatalogue catalogue, ThresholdOverrides overrides) {
        this(catalogue, overrides, GainCeiling.defaults());
    }

    /** {@code ceiling}: how a small estimated gain caps a finding's score ({@link GainCeiling}). */
    public RuleEngine(RuleCatalogue catalogue, ThresholdOverrides overrides, GainCeiling ceiling) {
        this.catalogue = catalogue;
        this.overrides = overrides;
        this.ceiling = ceiling;
    }

    public List<Finding> evaluate(Metrics metrics) {
        List<Finding> out = new ArrayList<>();
        for (RuleDefinition r : catalogue.rules()) {
            out.add(evaluate(r, metrics));
        }
        return Ranking.sorted(out);
    }

    Finding evaluate(RuleDefinition r, Metrics metrics) {
        Map<String, Double> thresholds = new LinkedHashMap<>();
        for (Parameter p : r.thresholds()) {
            thresholds.put(p.name(), overrides.value(r, p));
        }
        Map<String, Metric> evidence = new LinkedHashMap<>();
        for (String m : r.evidence()) {
            evidence.put(m, metrics.get(m));
        }
        Expression.Env env = name -> {
            Double t = thresholds.get(name);
            if (t != null) {
                return t;
            }
            Metric m = metrics.get(name);
            return m.present() && !m.isText() ? m.value() : Double.NaN;
        };
        for (String m : r.requires()) {
            Metric metric = metrics.get(m);
            if (!metric.present()) {
                return notApplicable(r, evidence, thresholds, "needs " + m + ": " + metric.reason(), null);
            }
        }
        Counted counted = null;
        for (CountGate g : r.counts()) {
            Metric metric = metrics.get(g.metric());
            if (!metric.present() || (!g.sampleCount() && !Double.isFinite(metric.value()))) {
                return notApplicable(r, evidence, thresholds, "needs " + g.source() + ": "
                        + (metric.present() ? "not a number" : metric.reason()), null);
            }
            long n = g.sampleCount() ? metric.n() : (long) Math.floor(metric.value());
            double min = thresholds.get(g.min());
            double full = thresholds.get(g.full());
            if (n < min) {
                return notApplicable(r, evidence, thresholds, g.of() + ": " + n + ", too few to judge (at least "
                        + Quantities.setting(min, autoglm.analyse.Unit.COUNT) + ": " + r.id() + "." + g.min() + ")",
                        new Counted(g.of(), g.source(), n, min, full, 0, Double.NaN));
            }
            double w = CountGate.weight(n, full);
            if (counted == null || w < counted.weight()) {
                counted = new Counted(g.of(), g.source(), n, min, full, w, Double.NaN);
            }
        }
        try {
            if (r.applies() != null && !r.applies().test(env)) {
                String why = "condition not met: " + describe(r.applies(), r, env, metrics);
                return new Finding(r.id(), r.title(), r.topic(), Severity.OK, 0, evidence, thresholds,
                        render(r.summary(), r, metrics, thresholds), render(r.explanation(), r, metrics, thresholds),
                        render(r.fixFor(metrics), r, metrics, thresholds), Gain.none(), why, counted);
            }
            double value = r.scoreMetric().evaluate(env);
            if (Double.isNaN(value)) {
                return notApplicable(r, evidence, thresholds, "its score, " + r.scoreMetric().source()
                        + ", has no value here (a zero denominator)", null);
            }
            double unweighted = ScoreCurve.score(value, r.scoreZero().evaluate(env), r.scoreInfo().evaluate(env),
                    r.scoreWarning().evaluate(env));
            double score = counted == null ? unweighted : unweighted * counted.weight();
            counted = counted == null ? null : counted.scored(unweighted);
            Gain gain = gain(r, env, metrics);
            String capped = null;
            if (ceiling.caps(gain) && score > ceiling.ceiling(gain.percent())) {
                // severity follows impact: a small gain caps the score, whatever the evidence
                double cap = ceiling.ceiling(gain.percent());
                capped = "score " + oneDecimal(score) + " capped at " + oneDecimal(cap) + " by its gain: "
                        + ceiling.why(gain);
                score = cap;
            }
            Severity severity = Severity.ofScore(score);
            String reason = capped;
            if (severity == Severity.OK && capped != null) {
                reason = "below the info threshold once capped by its gain: " + capped;
            } else if (severity == Severity.OK) {
                reason = Severity.ofScore(unweighted) == Severity.OK
                        ? "below the info threshold: " + describe(r.scoreMetric(), r, env, metrics)
                        : "below the info threshold once weighed by its count: score " + oneDecimal(unweighted)
                                + " x " + twoDecimals(counted.weight()) + " = " + oneDecimal(score) + " ("
                                + counted.of() + ": " + counted.n() + " of the "
                                + Quantities.setting(counted.full(), autoglm.analyse.Unit.COUNT)
                                + " for full weight)";
            }
            return new Finding(r.id(), r.title(), r.topic(), severity, score, evidence, thresholds,
                    render(r.summary(), r, metrics, thresholds), render(r.explanation(), r, metrics, thresholds),
                    render(r.fixFor(metrics), r, metrics, thresholds), gain, reason, counted);
        } catch (Expression.Missing e) {
            Metric m = metrics.get(e.name());
            return notApplicable(r, evidence, thresholds, "needs " + e.name() + ": "
                    + (m.present() ? "not a number" : m.reason()), null);
        }
    }

    /**
     * The rule's gain: its formula's value, at least 0 and at most min(100, bound), where the bound is the share of
     * the base the cause takes; not applicable where the formula or the bound lacks an input or has no value.
     */
    private static Gain gain(RuleDefinition r, Expression.Env env, Metrics metrics) {
        if (r.gainFormula() == null) {
            return Gain.notEstimated(r.gainBasis());
        }
        String formula = r.gainFormula().source();
        double raw;
        double bound;
        try {
            raw = r.gainFormula().evaluate(env);
        } catch (Expression.Missing e) {
            // the finding stands on its own inputs; only the estimate of its gain lacks one
            return Gain.notApplicable(formula, needs(e, metrics), r.gainBase());
        }
        try {
            bound = r.gainBound().evaluate(env);
        } catch (Expression.Missing e) {
            return Gain.notApplicable(formula, "its bound, " + r.gainBound().source() + ", " + needs(e, metrics),
                    r.gainBase());
        }
        if (Double.isNaN(raw)) {
            return Gain.notApplicable(formula, "the formula has no value here (a zero denominator)", r.gainBase());
        }
        if (Double.isNaN(bound)) {
            return Gain.notApplicable(formula, "its bound, " + r.gainBound().source() + ", has no value here (a zero "
                    + "denominator)", r.gainBase());
        }
        double cap = Math.max(0, Math.min(100, bound));
        double percent = Math.max(0, Math.min(cap, raw));
        return new Gain(Gain.ESTIMATED, percent, msPerStep(percent, r.gainBase(), metrics), formula, r.gainBasis(),
                r.gainBase(), bound, r.gainBound().source(), raw > cap);
    }

    private static String needs(Expression.Missing e, Metrics metrics) {
        Metric m = metrics.get(e.name());
        return "needs " + e.name() + ": " + (m.present() ? "not a number" : m.reason());
    }

    private static String oneDecimal(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    private static String twoDecimals(double v) {
        return String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    private static Finding notApplicable(RuleDefinition r, Map<String, Metric> evidence,
            Map<String, Double> thresholds, String reason, Counted counted) {
        return new Finding(r.id(), r.title(), r.topic(), Severity.NOT_APPLICABLE, 0, evidence, thresholds, "", "", "",
                Gain.none(), reason, counted);
    }

    /**
     * Gain in ms per iteration: percent of the mean iteration time, for gains on iteration time or on the GPU span
     * (which the iterations fill); NaN without iterations or on another base.
     */
    private static double msPerStep(double percent, GainBase base, Metrics metrics) {
        if (base != GainBase.STEP && base != GainBase.GPU_SPAN) {
            return Double.NaN;
        }
        Metric step = metrics.get("step_time_ms");
        if (step.present()) {
            return percent / 100 * step.value();
        }
        return Double.NaN;
    }

    private static String render(Template t, RuleDefinition r, Metrics metrics, Map<String, Double> thresholds) {
        return t.render(key -> {
            boolean count = key.endsWith(".n");
            String name = count ? key.substring(0, key.length() - 2) : key;
            Parameter p = r.threshold(name);
            if (p != null) {
                return Quantities.setting(thresholds.get(name), p.unit());
            }
            Metric m = metrics.get(name);
            if (count) {
                return m.present() ? Quantities.format(m.n(), autoglm.analyse.Unit.COUNT) : "n/a";
            }
            return Quantities.format(m);
        });
    }

    /** The expression with each name followed by its value: "gpu_busy_pct (98.5%) < busy_info_pct (50%)". */
    private static String describe(Expression e, RuleDefinition r, Expression.Env env, Metrics metrics) {
        Matcher m = IDENT.matcher(e.source());
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group();
            String shown;
            Parameter p = r.threshold(name);
            if (p != null) {
                shown = name + " (" + Quantities.setting(env.value(name), p.unit()) + ")";
            } else if (e.names().contains(name)) {
                shown = name + " (" + Quantities.format(metrics.get(name)) + ")";
            } else {
                shown = name;
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(shown));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
