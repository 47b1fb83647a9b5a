package autoglm.compare;

import autoglm.analyse.Metric;
import autoglm.gate.NoiseTest;

/** One metric in two results, with Welch's noise test where both carry a spread. */
public record MetricChange(String name, Metric a, Metric b, NoiseTest noise) {

    public double delta() {
        return b.value() - a.value();
    }

    public double deltaPct() {
        return a.value() == 0 ? Double.NaN : 100 * (b.value() - a.value()) / Math.abs(a.value());
    }
}
