package autoglm.gate;

import java.util.Locale;

/**
 * How far one metric may move before the gate fails. {@code worse} is +1 when a rise is a regression
 * ("+10%": may grow by at most 10%), -1 when a fall is ("-5%", "-3"). {@code relative}: the limit is a
 * percentage of the baseline, else an amount in the metric's unit. {@code stat} selects a statistic of
 * the metric's spread (p50, p95, p99, max...), or null for its value. {@code optional}: a metric the
 * baseline has and the current result lacks is skipped instead of failing.
 */
public record Threshold(String key, String metric, String stat, int worse, double amount, boolean relative,
        String text, boolean optional) {

    /** Parses "+10%", "-5%", "-3", "+0.5" for the metric key given. */
    public static Threshold parse(String key, String metric, String stat, String text) {
        String s = text.trim();
        if (s.isEmpty() || (s.charAt(0) != '+' && s.charAt(0) != '-')) {
            throw new IllegalArgumentException(key + ": '" + text + "' needs a sign: +N% or +N where a rise is worse, "
                    + "-N% or -N where a fall is");
        }
        int worse = s.charAt(0) == '+' ? 1 : -1;
        boolean relative = s.endsWith("%");
        String num = s.substring(1, relative ? s.length() - 1 : s.length()).trim();
        double amount;
        try {
            amount = Double.parseDouble(num);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a number");
        }
        if (!(amount >= 0) || Double.isInfinite(amount)) {
            throw new IllegalArgumentException(key + ": '" + text + "' must be a finite amount, 0 or more");
        }
        return new Threshold(key, metric, stat, worse, amount, relative, s, false);
    }

    /** This threshold, optional or not. */
    public Threshold withOptional(boolean o) {
        return new Threshold(key, metric, stat, worse, amount, relative, text, o);
    }

    /** How much worse {@code current} is than {@code baseline}, in the threshold's terms (percent or units); negative when better. */
    public double worsening(double baseline, double current) {
        double d = (current - baseline) * worse;
        if (!relative) {
            return d;
        }
        if (baseline == 0) {
            return d == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, d);
        }
        return 100 * d / Math.abs(baseline);
    }

    public boolean exceeded(double baseline, double current) {
        return worsening(baseline, current) > amount + 1e-12;
    }

    /** "a rise of more than 10%", for messages. */
    public String describe() {
        return String.format(Locale.ROOT, "a %s of more than %s%s", worse > 0 ? "rise" : "fall",
                autoglm.analyse.Quantities.number(amount), relative ? "%" : "");
    }
}
