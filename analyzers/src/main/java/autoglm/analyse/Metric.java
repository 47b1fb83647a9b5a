package autoglm.analyse;

import java.util.List;

/**
 * One measured quantity. {@code n} is the number of samples behind it (kernels, gaps, steps); a metric
 * that could not be computed has {@code present == false} and says why in {@code reason}. Text metrics (unit TEXT,
 * no number) are either a name ({@code text}: a thread, the model the workload ran) or a breakdown ({@code items}:
 * typed values with units, such as each blocking call with its count); sentences are made by the formatters
 * ({@link Quantities#format(Metric)} and the reports), never here.
 */
public record Metric(String name, Unit unit, boolean present, double value, String text, long n, Spread spread,
        String reason, List<Item> items) {

    /** One part of a breakdown: what ({@code label}, data such as a call or op name) and how much, with its unit. */
    public record Item(String label, double value, Unit unit) {
    }

    public Metric {
        items = items == null ? List.of() : List.copyOf(items);
    }

    public static Metric of(String name, Unit unit, double value, long n, Spread spread) {
        return new Metric(name, unit, true, value, null, n, spread == null ? Spread.NONE : spread, null, List.of());
    }

    public static Metric text(String name, String text, long n) {
        return new Metric(name, Unit.TEXT, true, Double.NaN, text, n, Spread.NONE, null, List.of());
    }

    /** A breakdown: its items in order (an empty list is "none"). */
    public static Metric items(String name, List<Item> items, long n) {
        return new Metric(name, Unit.TEXT, true, Double.NaN, null, n, Spread.NONE, null, items);
    }

    public static Metric absent(String name, Unit unit, String reason) {
        return new Metric(name, unit, false, Double.NaN, null, 0, Spread.NONE, reason, List.of());
    }

    public boolean isText() {
        return unit == Unit.TEXT;
    }

    /** Whether this is a breakdown of typed items rather than a name. */
    public boolean isBreakdown() {
        return isText() && text == null && present;
    }
}
