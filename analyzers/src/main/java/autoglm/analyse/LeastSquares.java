package autoglm.analyse;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * Ordinary least squares of y on 1, x, ..., x^degree, with each coefficient's standard error and Student's t-test
 * (docs/analyses.md#fits). The standard errors are the usual ones: the residual variance (residual sum of squares
 * over n - degree - 1 degrees of freedom) times the diagonal of (X'X)^-1. x is divided by its largest magnitude
 * before the fit (prompt lengths squared reach 10^8) and the coefficients scaled back, which changes neither the
 * fitted values nor any t.
 */
public final class LeastSquares {
    private LeastSquares() {
    }

    /**
     * A fitted polynomial: coefficients (constant first) in the units of x and y, their standard errors, the
     * residual degrees of freedom and R^2.
     */
    public record Fit(double[] coef, double[] se, int df, double r2) {
        /** Coefficient i over its standard error (infinite for an exact fit). */
        double t(int i) {
            return coef[i] / se[i];
        }

        /** Two-sided p of coefficient i against 0: P(|T| >= |t|) for Student's t with df degrees of freedom. */
        double p(int i) {
            if (se[i] == 0) {
                return coef[i] == 0 ? 1 : 0;
            }
            return twoSidedP(t(i), df);
        }

        /** The fitted value at x. */
        public double at(double x) {
            double v = 0;
            double pow = 1;
            for (double c : coef) {
                v += c * pow;
                pow *= x;
            }
            return v;
        }
    }

    /**
     * The fit, or null where it cannot be made: fewer points than coefficients plus one (no residual degree of
     * freedom), or x too alike for the powers to be told apart (a singular design).
     */
    static Fit fit(double[] x, double[] y, int degree) {
        int n = x.length;
        int k = degree + 1;
        if (n != y.length || n - k < 1) {
            return null;
        }
        double scale = 0;
        for (double v : x) {
            scale = Math.max(scale, Math.abs(v));
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            return null;
        }
        double[][] design = new double[n][degree];
        for (int i = 0; i < n; i++) {
            double u = x[i] / scale;
            double pow = 1;
            for (int j = 0; j < degree; j++) {
                pow *= u;
                design[i][j] = pow;
            }
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        double[] beta;
        double[] se;
        double r2;
        try {
            ols.newSampleData(y, design);
            beta = ols.estimateRegressionParameters();
            se = ols.estimateRegressionParametersStandardErrors();
            r2 = ols.calculateTotalSumOfSquares() == 0 ? 0 : ols.calculateRSquared();
        } catch (RuntimeException e) {
            return null; // commons-math's SingularMatrixException: x of too few distinct values for the degree
        }
        double[] coef = new double[k];
        double[] err = new double[k];
        double s = 1;
        for (int j = 0; j < k; j++) {
            coef[j] = beta[j] / s;
            err[j] = se[j] / s;
            s *= scale;
        }
        for (int j = 0; j < k; j++) {
            if (!Double.isFinite(coef[j]) || !Double.isFinite(err[j])) {
                return null;
            }
        }
        return new Fit(coef, err, n - k, r2);
    }

    /** Two-sided p of a t statistic with df degrees of freedom (Student's t; commons-math's regularized beta). */
    static double twoSidedP(double t, double df) {
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        if (Double.isInfinite(t)) {
            return 0;
        }
        return 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(t));
    }
}
