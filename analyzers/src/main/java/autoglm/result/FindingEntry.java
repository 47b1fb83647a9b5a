package autoglm.result;

import autoglm.analyse.Metric;
import autoglm.rules.Counted;
import autoglm.rules.Finding;
import autoglm.rules.Gain;
import autoglm.rules.GainOverlap;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One finding of a result (docs/formats.md#findings): its rule, severity and score (to one decimal), the evidence
 * (metrics) and thresholds it was judged by, its text, the gain a fix would bring, and, for a rule that counts
 * matching items, what it counted ({@code count}).
 */
public record FindingEntry(String rule, String title, String topic, String severity, Double score,
        Map<String, MetricEntry> evidence, Map<String, Double> thresholds, String summary, String explanation,
        String fix, GainEntry gain, String reason, @JsonInclude(JsonInclude.Include.NON_NULL) CountEntry count) {

    /**
     * The estimated gain: its percent of {@code base} (labelled), per step, the formula, and the share of the base
     * the cause takes ({@code bound}, which the estimate cannot pass; {@code capped} when it was cut to it).
     */
    public record GainEntry(String kind, Double percent, Double msPerStep, String formula, String basis, String base,
            String baseLabel, Double bound, String boundFormula, Boolean capped) {
    }

    /** What a counting rule counted: items {@code of}, from {@code metric}, how many, and the weight they gave. */
    public record CountEntry(String of, String metric, Long n, Double min, Double full, Double weight,
            Double unweightedScore) {
    }

    /** Per base with two reported gains or more: the parts, and the combined estimate. */
    public record GainOverlapEntry(String base, String baseLabel, List<Part> gains, Double combinedPct,
            Double largestPct, Double sumPct) {

        public record Part(String rule, String kind, Double percent, String sameAs) {
        }

        public static List<GainOverlapEntry> of(List<Finding> findings) {
            return GainOverlap.of(findings).stream().map(o -> new GainOverlapEntry(o.base().key(), o.base().label(),
                    o.parts().stream().map(p -> new Part(p.rule(), p.kind(), p.percent(), p.sameAs())).toList(),
                    o.combinedPct(), o.largestPct(), o.sumPct())).toList();
        }
    }

    public static List<FindingEntry> of(List<Finding> findings) {
        return findings.stream().map(FindingEntry::of).toList();
    }

    public static FindingEntry of(Finding f) {
        Map<String, MetricEntry> evidence = new LinkedHashMap<>();
        for (Map.Entry<String, Metric> e : f.evidence().entrySet()) {
            evidence.put(e.getKey(), MetricEntry.of(e.getValue()));
        }
        Gain g = f.gain();
        GainEntry gain = new GainEntry(g.kind(), g.percent(), g.msPerStep(), g.formula(), g.basis(),
                g.base() == null ? null : g.base().key(), g.base() == null ? null : g.base().label(), g.bound(),
                g.boundFormula(), g.capped());
        Counted c = f.counted();
        CountEntry count = c == null ? null : new CountEntry(c.of(), c.source(), c.n(), c.min(), c.full(),
                Math.round(c.weight() * 1000) / 1000.0, Math.round(c.unweightedScore() * 10) / 10.0);
        return new FindingEntry(f.rule(), f.title(), f.topic(), f.severity().key(), Math.round(f.score() * 10) / 10.0,
                evidence, new LinkedHashMap<>(f.thresholds()), f.summary(), f.explanation(), f.fix(), gain, f.reason(),
                count);
    }
}
