package autoglm.report;

import autoglm.analyse.Metric;
import autoglm.analyse.Quantities;
import autoglm.analyse.Spread;
import autoglm.analyse.Unit;

/** A metric as text with its sample count and spread, as JMH shows every number. */
final class MetricText {
    private MetricText() {
    }

    static String value(Metric m) {
        return Text.safe(Quantities.format(m));
    }

    /** "13.8% (n=8, p50 9.1%, p95 52.0%, 4.12% to 60.2%)", the text of a text metric, or "n/a (reason)". */
    static String withSamples(Metric m) {
        if (!m.present()) {
            return "n/a (" + m.reason() + ")";
        }
        if (m.isText()) {
            return Text.safe(Quantities.format(m));
        }
        StringBuilder sb = new StringBuilder(Quantities.format(m));
        sb.append(" (n=").append(Quantities.format(m.n(), Unit.COUNT));
        Spread s = m.spread();
        if (!Double.isNaN(s.p50()) && !Double.isNaN(s.p95()) && s.min() != s.max()) {
            sb.append(", p50 ").append(Quantities.format(s.p50(), m.unit())).append(", p95 ")
                    .append(Quantities.format(s.p95(), m.unit()));
        }
        if (!Double.isNaN(s.min()) && !Double.isNaN(s.max()) && s.min() != s.max()) {
            sb.append(", ").append(Quantities.format(s.min(), m.unit())).append(" to ")
                    .append(Quantities.format(s.max(), m.unit()));
        }
        return sb.append(')').toString();
    }
}
