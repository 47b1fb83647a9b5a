package autoglm.analyse;

import java.util.Arrays;

/**
 * When a fitted figure may decide a rule (docs/analyses.md#fits): enough points, x spread enough, and a significant
 * coefficient. A fit that fails any of these gives no figure, with the reason, so that no rule fires on a curve drawn
 * through noise: TTFT over prompts of one length, growth over steps that did not grow.
 */
public final class Fits {
    /** Residual degrees of freedom a fit needs beyond its coefficients (a line: 4 points, a parabola: 5). */
    public static final int MIN_DF = 2;
    /** Distinct x values a fit needs: with two, a line passes through any pair of means. */
    public static final int MIN_X_VALUES = 3;

    private Fits() {
    }

    /** Whether a fit may decide, in checks made in this order; the checker (tools/fit_check.py) writes the same keys. */
    public enum Verdict {
        /** fewer than degree + 1 + MIN_DF points */
        TOO_FEW_POINTS("too-few-points"),
        /** fewer than MIN_X_VALUES distinct x */
        TOO_FEW_VALUES("too-few-values"),
        /** the largest x below the ratio asked times the smallest */
        NARROW("narrow"),
        /** the design cannot be solved */
        SINGULAR("singular"),
        /** the coefficient tested must be positive and is not */
        NOT_POSITIVE("not-positive"),
        /** the coefficient's two-sided p is at or above analysis.fit_alpha */
        NOT_SIGNIFICANT("not-significant"),
        APPLICABLE("applicable");

        public final String key;

        Verdict(String key) {
            this.key = key;
        }
    }

    /** A judged fit: the verdict, the fit (null before one is made), the coefficient tested and the x it saw. */
    public record Judged(Verdict verdict, LeastSquares.Fit fit, int tested, int points, long values, double xMin,
            double xMax) {
        public boolean applicable() {
            return verdict == Verdict.APPLICABLE;
        }

        public double coef() {
            return fit == null ? Double.NaN : fit.coef()[tested];
        }

        double t() {
            return fit == null ? Double.NaN : fit.t(tested);
        }

        public double p() {
            return fit == null ? Double.NaN : fit.p(tested);
        }

        /** "t = 1.44, p = 0.18" */
        public String test() {
            return "t = " + Quantities.number(t()) + ", p = " + Quantities.number(p());
        }
    }

    /**
     * Fits y on the powers of x up to {@code degree} and tests the highest one. {@code minRatio}: the largest x must be
     * at least this times the smallest (NaN: no such condition, for x that start at 0 or 1 such as steps).
     * {@code positive}: the tested coefficient must be above 0.
     */
    public static Judged judge(double[] x, double[] y, int degree, double minRatio, boolean positive, double alpha) {
        int n = x.length;
        long values = Arrays.stream(x).distinct().count();
        double lo = Arrays.stream(x).min().orElse(Double.NaN);
        double hi = Arrays.stream(x).max().orElse(Double.NaN);
        if (n < degree + 1 + MIN_DF) {
            return new Judged(Verdict.TOO_FEW_POINTS, null, degree, n, values, lo, hi);
        }
        if (values < MIN_X_VALUES) {
            return new Judged(Verdict.TOO_FEW_VALUES, null, degree, n, values, lo, hi);
        }
        if (!Double.isNaN(minRatio) && !(hi >= minRatio * lo)) {
            return new Judged(Verdict.NARROW, null, degree, n, values, lo, hi);
        }
        LeastSquares.Fit fit = LeastSquares.fit(x, y, degree);
        if (fit == null) {
            return new Judged(Verdict.SINGULAR, null, degree, n, values, lo, hi);
        }
        double c = fit.coef()[degree];
        Verdict v = positive && !(c > 0) ? Verdict.NOT_POSITIVE
                : !(fit.p(degree) < alpha) ? Verdict.NOT_SIGNIFICANT : Verdict.APPLICABLE;
        return new Judged(v, fit, degree, n, values, lo, hi);
    }
}
