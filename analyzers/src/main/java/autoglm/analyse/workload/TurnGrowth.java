package autoglm.analyse.workload;


import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Fits;
import autoglm.analyse.Metrics;
import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
/**
 * turn_ttft_growth_pct and its p (docs/analyses.md#fits), for a load run's sessions (x: the step number, from 1)
 * and the workload's conversations (x: the turn, from 0) alike, so that multi-turn-growth reads both the same way:
 * the least-squares slope of TTFT over x relative to the first step's mean TTFT (0 where that is not above 0), given
 * only with 4 requests or more at 3 step numbers or more and a slope whose two-sided p is below
 * {@code analysis.fit_alpha}. The p is given wherever the line could be fitted.
 *
 * @param judged the line and its verdict
 * @param growthPct the growth, NaN unless the line decides
 * @param reason why it does not decide; null when it does
 */
public record TurnGrowth(Fits.Judged judged, double growthPct, String reason) {
    /** The judged line of y over x; {@code unit} names x ("step", "turn") in the reason. */
    public static TurnGrowth of(double[] x, double[] y, double first, AnalysisSettings settings, String unit) {
        double alpha = settings.get(AnalysisSettings.FIT_ALPHA);
        Fits.Judged j = Fits.judge(x, y, 1, Double.NaN, false, alpha);
        String why = switch (j.verdict()) {
            case TOO_FEW_POINTS -> "the fit of TTFT over the " + unit + "s needs " + (2 + Fits.MIN_DF)
                    + " requests or more (" + j.points() + " here)";
            case TOO_FEW_VALUES -> "TTFT at " + j.values() + " " + unit + " numbers (" + number(j.xMin()) + " to "
                    + number(j.xMax()) + "); the fit over the " + unit + "s needs " + Fits.MIN_X_VALUES;
            case SINGULAR -> "the fit of TTFT over the " + unit + "s is singular";
            case NOT_POSITIVE, NARROW -> throw new IllegalStateException(j.verdict() + " is not asked of a slope");
            case NOT_SIGNIFICANT -> "TTFT does not change significantly with the " + unit + " (slope "
                    + Quantities.format(j.coef(), Unit.MS_PER_STEP).replace("step", unit) + ", " + j.test() + " >= "
                    + Quantities.setting(alpha, Unit.COUNT) + ": analysis." + AnalysisSettings.FIT_ALPHA.name() + ")";
            case APPLICABLE -> null;
        };
        double growth = why != null ? Double.NaN : first > 0 ? 100 * j.coef() / first : 0;
        return new TurnGrowth(j, growth, why);
    }

    /** turn_ttft_growth_pct and turn_ttft_growth_p, or their reasons. */
    public void put(Metrics.Builder b) {
        long n = judged.points();
        if (judged.fit() == null) {
            b.absentAll(reason, "turn_ttft_growth_pct", "turn_ttft_growth_p");
            return;
        }
        b.put("turn_ttft_growth_p", judged.p(), n);
        if (reason != null) {
            b.absent("turn_ttft_growth_pct", reason);
        } else {
            b.put("turn_ttft_growth_pct", growthPct, n);
        }
    }

    private static String number(double v) {
        return Quantities.format(v, Unit.COUNT);
    }
}
