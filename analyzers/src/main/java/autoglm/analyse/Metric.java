package autoglm.analyse;

/**
 * One measured quantity. {@code n} is the number of samples behind it (kernels, gaps, steps); a metric
 * that could not be computed has {@code present == false} and says why in {@code reason}. Text metrics
 * (a kernel name, the basis of an estimate) carry {@code text} and no number.
 */
public record Metric(String name, Unit unit, boolean present, double value, String text, long n, Spread spread,
        String reason) {

    public static Metric of(String name, Unit unit, double value, long n, Spread spread) {
        return new Metric(name, unit, true, value, null, n, spread == null ? Spread.NONE : spread, null);
    }

    public static Metric text(String name, String text, long n) {
        return new Metric(name, Unit.TEXT, true, Double.NaN, text, n, Spread.NONE, null);
    }

    public static Metric absent(String name, Unit unit, String reason) {
        return new Metric(name, unit, false, Double.NaN, null, 0, Spread.NONE, reason);
    }

    public boolean isText() {
        return unit == Unit.TEXT;
    }
}
