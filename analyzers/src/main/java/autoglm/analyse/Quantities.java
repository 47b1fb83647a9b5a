package autoglm.analyse;

import java.util.Locale;

/**
 * Turns a number and its unit into the text people read: "3.7%", "1.7 us", "55.3 ms", "1.6 GB".
 * The one place numbers are formatted, shared by finding templates and every report.
 */
public final class Quantities {
    private Quantities() {
    }

    public static String format(double v, Unit unit) {
        return format(v, unit, Quantities::number);
    }

    /**
     * A configured value (a threshold, a setting) as it was written, without padding to three digits: "1 ms",
     * "0.5 ms", "30 us", so that the value a user sets reads like the default beside it.
     */
    public static String setting(double v, Unit unit) {
        return format(v, unit, Quantities::exact);
    }

    /**
     * A signed difference of two values in a unit: "+1.20 ms", "-3"; a difference of two percentages is in
     * percentage points ("+0.361 pp"), never "+0.361%", which would read as a relative change.
     */
    public static String change(double delta, Unit unit) {
        if (Double.isNaN(delta)) {
            return "n/a";
        }
        String sign = delta > 0 ? "+" : "";
        if (unit == Unit.PERCENT) {
            return sign + number(delta) + " pp";
        }
        String text = format(delta, unit);
        return text.startsWith("+") || text.startsWith("-") ? text : sign + text;
    }

    /** Up to 9 significant digits, trailing zeros dropped: 1, 0.5, 12.25. */
    public static String exact(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        java.math.BigDecimal d = new java.math.BigDecimal(v).round(new java.math.MathContext(9)).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }

    private static String format(double v, Unit unit, java.util.function.DoubleFunction<String> number) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        switch (unit) {
            case PERCENT:
                return number.apply(v) + "%";
            case PERCENT_PER_STEP:
                return (v >= 0 ? "+" : "") + number.apply(v) + "% per step";
            case SECONDS:
                return number.apply(v) + " s";
            case MILLISECONDS:
                return v >= 1000 ? number.apply(v / 1000) + " s" : number.apply(v) + " ms";
            case MICROSECONDS:
                return v >= 1000 ? number.apply(v / 1000) + " ms" : number.apply(v) + " us";
            case NANOSECONDS:
                return v >= 1000 ? number.apply(v / 1000) + " us" : number.apply(v) + " ns";
            case BYTES:
                return bytes(v);
            case GB_PER_SECOND:
                return number.apply(v) + " GB/s";
            case PER_STEP:
                return number.apply(v) + " per step";
            case FACTOR:
                return number.apply(v) + "x";
            case WATTS:
                return number.apply(v) + " W";
            case TOKENS_PER_SECOND:
                return number.apply(v) + " tokens/s";
            case PER_TURN:
                return (v >= 0 ? "+" : "") + number.apply(v) + "% per turn";
            case REQUESTS_PER_SECOND:
                return number.apply(v) + " req/s";
            case MS_PER_STEP:
                return (v >= 0 ? "+" : "") + number.apply(v) + " ms per step";
            case MEGAHERTZ:
                return String.format(Locale.ROOT, "%,.0f MHz", v);
            case VERSION:
                return String.format(Locale.ROOT, "%.1f", v);
            case COUNT:
            default:
                return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v) : number.apply(v);
        }
    }

    public static String format(Metric m) {
        if (!m.present()) {
            return "n/a";
        }
        if (m.isBreakdown()) {
            return items(m.items());
        }
        return m.isText() ? m.text() : format(m.value(), m.unit());
    }

    /** "cudaStreamSynchronize x12, cudaDeviceSynchronize x12"; "aten::randn 97%"; "none" for no items. */
    public static String items(java.util.List<Metric.Item> items) {
        if (items.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        for (Metric.Item i : items) {
            sb.append(sb.length() == 0 ? "" : ", ").append(i.label()).append(' ');
            sb.append(i.unit() == Unit.COUNT ? "x" + format(i.value(), Unit.COUNT)
                    : i.unit() == Unit.PERCENT ? String.format(Locale.ROOT, "%.0f%%", i.value())
                    : format(i.value(), i.unit()));
        }
        return sb.toString();
    }

    /** Three significant digits, no exponent, thousands separated: 0.0123, 1.23, 12.3, 123, 1,234. */
    public static String number(double v) {
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        // 9.996 would read "10.00" at two decimals: a value that rounds into the next decade takes its format
        double rounded = Math.abs(Double.parseDouble(String.format(Locale.ROOT, "%.3g", v)));
        if (rounded >= 10 && a < 10 || rounded >= 100 && a < 100 || rounded >= 1 && a < 1
                || rounded >= 0.01 && a < 0.01) {
            a = rounded;
        }
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (a >= 0.01) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
        return String.format(Locale.ROOT, "%.2g", v);
    }

    private static String bytes(double v) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        double x = v;
        while (Math.abs(x) >= 1024 && i < units.length - 1) {
            x /= 1024;
            i++;
        }
        return i == 0 ? String.format(Locale.ROOT, "%.0f B", x) : number(x) + " " + units[i];
    }
}
