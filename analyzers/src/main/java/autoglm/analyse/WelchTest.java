package autoglm.analyse;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Whether the difference between two metrics is beyond their noise: Welch's two-sample t-test on the
 * value (a mean over n samples) and the sample standard deviation each metric carries. Not applicable
 * where either side lacks a spread or has fewer than two samples. {@code p} is two-sided.
 */
public record WelchTest(boolean applicable, double t, double df, double p, String reason) {

    public static WelchTest notApplicable(String reason) {
        return new WelchTest(false, Double.NaN, Double.NaN, Double.NaN, reason);
    }

    public static WelchTest of(Metric a, Metric b) {
        if (!a.present() || !b.present() || a.isText()) {
            return notApplicable("a value is missing");
        }
        double sa = a.spread().stdev();
        double sb = b.spread().stdev();
        if (Double.isNaN(sa) || Double.isNaN(sb) || a.n() < 2 || b.n() < 2) {
            return notApplicable("no spread: " + (a.n() < 2 || b.n() < 2 ? "fewer than two samples"
                    : "the metric carries no standard deviation"));
        }
        return welch(a.value(), sa, a.n(), b.value(), sb, b.n());
    }

    /** Welch's t-test of two means from their standard deviations and sample counts. */
    public static WelchTest welch(double meanA, double sdA, long nA, double meanB, double sdB, long nB) {
        double va = sdA * sdA / nA;
        double vb = sdB * sdB / nB;
        double se = Math.sqrt(va + vb);
        double diff = meanB - meanA;
        if (se == 0) {
            // both sides constant: any difference is beyond noise, none is within it
            return new WelchTest(true, diff == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, diff), Double.NaN,
                    diff == 0 ? 1 : 0, null);
        }
        double t = diff / se;
        double df = (va + vb) * (va + vb) / (va * va / (nA - 1) + vb * vb / (nB - 1));
        double p = 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(t));
        return new WelchTest(true, t, df, p, null);
    }

    /** Whether the difference is beyond noise at significance level alpha. */
    public boolean beyond(double alpha) {
        return applicable && p < alpha;
    }
}
