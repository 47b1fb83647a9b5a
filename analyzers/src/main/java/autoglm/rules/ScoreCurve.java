package autoglm.rules;

/**
 * Maps a metric to a score from 0 to 100, as JDK Mission Control's {@code RulesToolkit.mapExp100}:
 * linear from 0 at the zero point to 25 at the info threshold, then exponential through 75 at the
 * warning threshold, approaching 100. Rules where lower is worse (GPU busy share) give a zero point
 * above the thresholds; the curve runs the other way.
 */
public final class ScoreCurve {
    public static final double INFO = 25;
    public static final double WARNING = 75;

    private ScoreCurve() {
    }

    public static double score(double value, double zero, double info, double warning) {
        double direction = warning >= zero ? 1 : -1;
        double x = (value - zero) * direction;
        double x1 = (info - zero) * direction;
        double x2 = (warning - zero) * direction;
        if (x <= 0 && x1 > 0) {
            return 0;
        }
        if (x1 <= 0) {
            // info at the zero point: anything beyond it is at least info
            if (x <= 0) {
                return 0;
            }
            return INFO + exp(x, 100 - INFO, x2, WARNING - INFO);
        }
        if (x < x1) {
            return INFO / x1 * x;
        }
        return INFO + exp(x - x1, 100 - INFO, x2 - x1, WARNING - INFO);
    }

    /** ceiling * (1 - e^(kx)), through y1 at x1. */
    private static double exp(double x, double ceiling, double x1, double y1) {
        if (x1 <= 0) {
            return ceiling;
        }
        double k = Math.log(1 - y1 / ceiling) / x1;
        return ceiling * (1 - Math.exp(k * x));
    }
}
