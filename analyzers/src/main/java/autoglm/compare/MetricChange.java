package autoglm.compare;

import autoglm.analyse.Metric;
import autoglm.analyse.WelchTest;

/** One metric in two results, with Welch's noise test where both carry a spread. */
public record MetricChange(String name, Metric a, Metric b, WelchTest noise) {

    public double delta() {
        return b.value() - a.value();
    }

    /**
     * B against A in percent, only where both are figures a ratio compares (A above 0, B at least 0, not a signed
     * rate by its unit); NaN for a signed quantity (a slope, a trend: -725 to -102 is no "+86%", nor +200 to +50
     * "-75%"), whose change is {@link #delta} alone.
     */
    public double deltaPct() {
        return a.value() > 0 && b.value() >= 0 && !a.unit().signed() ? 100 * (b.value() - a.value()) / a.value()
                : Double.NaN;
    }
}
