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
        if (Double.isNaN(v)) {
            return "n/a";
        }
        switch (unit) {
            case PERCENT:
                return number(v) + "%";
            case PERCENT_PER_STEP:
                return (v >= 0 ? "+" : "") + number(v) + "% per step";
            case MILLISECONDS:
                return v >= 1000 ? number(v / 1000) + " s" : number(v) + " ms";
            case MICROSECONDS:
                return v >= 1000 ? number(v / 1000) + " ms" : number(v) + " us";
            case NANOSECONDS:
                return v >= 1000 ? number(v / 1000) + " us" : number(v) + " ns";
            case BYTES:
                return bytes(v);
            case GB_PER_SECOND:
                return number(v) + " GB/s";
            case PER_STEP:
                return number(v) + " per step";
            case FACTOR:
                return number(v) + "x";
            case WATTS:
                return number(v) + " W";
            case TOKENS_PER_SECOND:
                return number(v) + " tokens/s";
            case PER_TURN:
                return (v >= 0 ? "+" : "") + number(v) + "% per turn";
            case REQUESTS_PER_SECOND:
                return number(v) + " req/s";
            case MS_PER_STEP:
                return (v >= 0 ? "+" : "") + number(v) + " ms per step";
            case MEGAHERTZ:
                return String.format(Locale.ROOT, "%.0f MHz", v);
            case VERSION:
                return String.format(Locale.ROOT, "%.1f", v);
            case COUNT:
            default:
                return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v) : number(v);
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

    /** Three significant digits, no exponent: 0.0123, 1.23, 12.3, 123, 1234. */
    public static String number(double v) {
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
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
