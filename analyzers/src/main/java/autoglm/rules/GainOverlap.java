package autoglm.rules;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where several reported findings' gains are shares of one base, they overlap: each claims part of the same time, and
 * their sum can pass 100%. Per base with two findings or more (docs/analyses.md#overlapping-gains): the combined
 * estimate 1 - Π(1 - g_i), which assumes the shares independent (each fix removes its share of what the others
 * leave); at least the largest alone (when every share is within the largest) and at most the sum, capped at 100%
 * (when none overlap). Estimated gains with the same formula are the same time claimed twice (kv-cache-pressure's
 * and queueing's are both the queue time): they count once ({@link Part#sameAs}). Gains on different bases are never
 * added. Data only.
 */
public record GainOverlap(GainBase base, List<Part> parts, double combinedPct, double largestPct, double sumPct) {

    /**
     * One finding's share of the base; {@code sameAs} is the rule listed before it whose estimate has the same formula
     * (the same time, counted once), else null.
     */
    public record Part(String rule, String kind, double percent, String formula, String sameAs) {
    }

    /** The overlaps among these findings' gains: reported findings (warning, info) with a gain, in base order. */
    public static List<GainOverlap> of(List<Finding> findings) {
        Map<GainBase, List<Part>> byBase = new EnumMap<>(GainBase.class);
        for (Finding f : findings) {
            Gain g = f.gain();
            if (f.isProblem() && g != null && g.applicable() && g.base() != null) {
                List<Part> parts = byBase.computeIfAbsent(g.base(), b -> new ArrayList<>());
                String same = null;
                for (Part p : parts) {
                    if (Gain.ESTIMATED.equals(g.kind()) && Gain.ESTIMATED.equals(p.kind())
                            && p.formula().equals(g.formula()) && p.sameAs() == null) {
                        same = p.rule();
                    }
                }
                parts.add(new Part(f.rule(), g.kind(), g.percent(), g.formula(), same));
            }
        }
        List<GainOverlap> out = new ArrayList<>();
        for (Map.Entry<GainBase, List<Part>> e : byBase.entrySet()) {
            if (e.getValue().size() < 2) {
                continue;
            }
            double remaining = 1;
            double largest = 0;
            double sum = 0;
            for (Part p : e.getValue()) {
                if (p.sameAs() != null) {
                    continue;
                }
                double share = Math.max(0, Math.min(100, p.percent())) / 100;
                remaining *= 1 - share;
                largest = Math.max(largest, 100 * share);
                sum += 100 * share;
            }
            out.add(new GainOverlap(e.getKey(), List.copyOf(e.getValue()), 100 * (1 - remaining), largest,
                    Math.min(100, sum)));
        }
        return List.copyOf(out);
    }

    /** The rules, "queueing, prefix-cache-miss". */
    public String rules() {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            sb.append(sb.length() == 0 ? "" : ", ").append(p.rule());
        }
        return sb.toString();
    }
}
