package autoglm.analyse.workload;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Fits;
import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.model.load.LoadRequest;
import java.util.List;

/**
 * The fit of TTFT = a + b n + c n^2 over prompt length n that long-context reads (docs/analyses.md#fits): the
 * server's prompt count where every request has one, else the client's estimate. It decides only with 5 requests or
 * more of 3 lengths or more, the longest prompt at least {@code analysis.fit_min_prompt_ratio} times the shortest, c
 * above 0 with a two-sided p below {@code analysis.fit_alpha}, and a positive fitted TTFT at the longest prompt. The
 * share is c n^2 over the fitted TTFT at the longest prompt measured, never beyond it; where a + b n is negative there
 * (the straight part bends down under the curve) c n^2 is more than the whole and the share is 100%.
 *
 * @param judged the fit and its verdict
 * @param sharePct the quadratic share, NaN unless it decides
 * @param verdict the checker's key (tools/fit_check.py): the fit's verdict, or "fitted-not-positive"
 * @param reason why it does not decide; null when it does
 */
public record PrefillCurve(Fits.Judged judged, double sharePct, String verdict, String reason) {
    public static PrefillCurve of(List<LoadRequest> ok, AnalysisSettings settings) {
        boolean server = !ok.isEmpty() && ok.stream().allMatch(r -> r.promptTokens() >= 0);
        double[] n = ok.stream().mapToDouble(r -> server ? r.promptTokens() : r.promptTokensEst()).toArray();
        double[] y = ok.stream().mapToDouble(LoadRequest::ttftMs).toArray();
        double ratio = settings.get(AnalysisSettings.FIT_MIN_PROMPT_RATIO);
        double alpha = settings.get(AnalysisSettings.FIT_ALPHA);
        Fits.Judged j = Fits.judge(n, y, 2, ratio, true, alpha);
        String lengths = tokens(j.xMin()) + " to " + tokens(j.xMax()) + " tokens";
        String term = "c = " + Quantities.number(j.coef()) + " ms per token², " + j.test();
        String why = switch (j.verdict()) {
            case TOO_FEW_POINTS -> "the fit of TTFT over prompt length needs " + (3 + Fits.MIN_DF)
                    + " completed requests or more (" + j.points() + " here)";
            case TOO_FEW_VALUES -> j.values() == 1 ? "prompts of one length (" + tokens(j.xMin()) + " tokens)"
                    : "prompts of " + j.values() + " lengths (" + lengths + "); the fit of TTFT over prompt length "
                            + "needs " + Fits.MIN_X_VALUES;
            case NARROW -> "prompts too close in length for a curve (" + lengths + ", the longest "
                    + Quantities.format(j.xMax() / j.xMin(), Unit.FACTOR) + " the shortest; the fit of TTFT over "
                    + "prompt length needs " + Quantities.setting(ratio, Unit.FACTOR) + ": analysis."
                    + AnalysisSettings.FIT_MIN_PROMPT_RATIO.name() + ")";
            case SINGULAR -> "the fit of TTFT over prompt length is singular (" + lengths + ")";
            case NOT_POSITIVE -> "TTFT does not curve upward with prompt length (" + term + "; " + lengths + ")";
            case NOT_SIGNIFICANT -> "the quadratic term of TTFT over prompt length is not significant (" + term
                    + " >= " + Quantities.setting(alpha, Unit.COUNT) + ": analysis." + AnalysisSettings.FIT_ALPHA.name()
                    + "; " + lengths + ")";
            case APPLICABLE -> null;
        };
        if (why != null) {
            return new PrefillCurve(j, Double.NaN, j.verdict().key, why);
        }
        double total = j.fit().at(j.xMax());
        if (!(total > 0)) {
            return new PrefillCurve(j, Double.NaN, "fitted-not-positive", "the fit puts TTFT at the longest prompt ("
                    + tokens(j.xMax()) + " tokens) at " + Quantities.format(total, Unit.MILLISECONDS) + ", not above 0");
        }
        double quad = j.coef() * j.xMax() * j.xMax();
        return new PrefillCurve(j, Math.min(100, 100 * quad / total), j.verdict().key, null);
    }

    private static String tokens(double n) {
        return Quantities.format(n, Unit.COUNT);
    }
}
