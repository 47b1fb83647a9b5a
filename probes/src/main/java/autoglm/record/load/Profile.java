package autoglm.record.load;

import autoglm.util.BadInputException;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.Well19937c;

/**
 * A traffic profile (docs/load.md#profiles): {@code sync} (one request at a time), {@code concurrent:N} (closed
 * loop, N in flight), {@code constant:R} (open loop, R requests per second, evenly spaced), {@code
 * poisson:R[:burst=B]} (open loop, gamma inter-arrivals of shape B and mean 1/R, vLLM's burstiness; B=1 is Poisson).
 */
public record Profile(Kind kind, int concurrency, double rate, double burstiness) {
    public enum Kind { SYNC, CONCURRENT, CONSTANT, POISSON }

    public static Profile parse(String s) {
        String[] p = s.strip().split(":");
        try {
            switch (p[0]) {
                case "sync":
                    if (p.length == 1) {
                        return new Profile(Kind.SYNC, 1, Double.NaN, 1);
                    }
                    break;
                case "concurrent":
                    if (p.length == 2 && Integer.parseInt(p[1]) >= 1) {
                        return new Profile(Kind.CONCURRENT, Integer.parseInt(p[1]), Double.NaN, 1);
                    }
                    break;
                case "constant":
                    if (p.length == 2 && Double.parseDouble(p[1]) > 0) {
                        return new Profile(Kind.CONSTANT, 0, Double.parseDouble(p[1]), 1);
                    }
                    break;
                case "poisson":
                    double burst = 1;
                    if (p.length == 3 && p[2].startsWith("burst=")) {
                        burst = Double.parseDouble(p[2].substring(6));
                    } else if (p.length != 2) {
                        break;
                    }
                    if (Double.parseDouble(p[1]) > 0 && burst > 0) {
                        return new Profile(Kind.POISSON, 0, Double.parseDouble(p[1]), burst);
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            // falls through to the one-line error
        }
        throw new BadInputException("--profile " + autoglm.util.SafeText.oneLine(s) + ": expected sync, concurrent:N, "
                + "constant:R or poisson:R[:burst=B] (N >= 1, R and B > 0)");
    }

    public boolean openLoop() {
        return kind == Kind.CONSTANT || kind == Kind.POISSON;
    }

    /** The first {@code count} send offsets in milliseconds from the start, seeded. */
    public double[] arrivalsMs(int count, long seed) {
        double[] t = new double[count];
        if (kind == Kind.CONSTANT) {
            for (int i = 0; i < count; i++) {
                t[i] = i * 1000.0 / rate;
            }
            return t;
        }
        GammaDistribution g = new GammaDistribution(new Well19937c(seed), burstiness, 1.0 / (rate * burstiness));
        double at = 0;
        for (int i = 0; i < count; i++) {
            t[i] = at * 1000.0;
            at += g.sample();
        }
        return t;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SYNC -> "sync";
            case CONCURRENT -> "concurrent:" + concurrency;
            case CONSTANT -> "constant:" + rate;
            case POISSON -> "poisson:" + rate + (burstiness == 1 ? "" : ":burst=" + burstiness);
        };
    }
}
