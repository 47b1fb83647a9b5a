package autoglm.rules;

import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;

/**
 * Severity follows impact (docs/analyses.md#severity-follows-impact): a finding's estimated gain caps its score. The
 * ceiling is linear from 0 at no gain to 25 (info) at {@code negligible} percent of the gain's base, then linear to
 * 75 (warning) at {@code min} percent; from {@code min} on there is no ceiling. So a finding worth less than
 * {@code analysis.negligible_gain_pct} is ok, and one worth less than {@code analysis.min_gain_pct} is at most info,
 * whatever its evidence. Applied by the engine to every rule alike; measured gains and findings without an estimate
 * are not capped.
 */
public record GainCeiling(double negligiblePct, double minPct) {
    /** The defaults of {@code analysis.negligible_gain_pct} and {@code analysis.min_gain_pct}. */
    public static GainCeiling defaults() {
        return new GainCeiling(autoglm.analyse.AnalysisSettings.NEGLIGIBLE_GAIN_PCT.defaultValue(),
                autoglm.analyse.AnalysisSettings.MIN_GAIN_PCT.defaultValue());
    }

    /** The highest score a finding with this gain (percent of its base) may have; 100 from {@code minPct} on. */
    public double ceiling(double gainPct) {
        if (!(gainPct < minPct)) {
            return 100;
        }
        double neg = Math.min(negligiblePct, minPct);
        if (gainPct < neg) {
            return ScoreCurve.INFO * Math.max(0, gainPct) / neg;
        }
        return ScoreCurve.INFO + (ScoreCurve.WARNING - ScoreCurve.INFO) * (gainPct - neg) / (minPct - neg);
    }

    /** Whether this gain caps scores at all: an estimate below {@code minPct}. */
    public boolean caps(Gain gain) {
        return Gain.ESTIMATED.equals(gain.kind()) && gain.applicable() && gain.percent() < minPct;
    }

    /** "estimated gain 0.704% of the GPU span, below analysis.min_gain_pct (1%)": why a score was capped. */
    String why(Gain gain) {
        boolean negligible = gain.percent() < Math.min(negligiblePct, minPct);
        return "estimated gain " + Quantities.format(gain.percent(), Unit.PERCENT) + " of "
                + (gain.base() == null ? "its base" : gain.base().label()) + ", below analysis."
                + (negligible ? "negligible_gain_pct (" + Quantities.setting(negligiblePct, Unit.PERCENT) + ")"
                        : "min_gain_pct (" + Quantities.setting(minPct, Unit.PERCENT) + ")");
    }
}
