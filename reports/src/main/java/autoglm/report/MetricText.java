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

    /** Samples from which a p95, and a p99, are quoted: below, the tail is one or two samples (say n instead). */
    static final int P95_FROM = 20;
    static final int P99_FROM = 100;

    /**
     * "13.8% (n=8, p50 9.1%, 4.12% to 60.2%)"; from {@value #P95_FROM} samples on with the p95 too ("(n=20, p50
     * 9.1%, p95 52.0%, ...)"); the text of a text metric, or "n/a (reason)".
     */
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
        if (!Double.isNaN(s.p50()) && s.min() != s.max()) {
            sb.append(", p50 ").append(Quantities.format(s.p50(), m.unit()));
            if (m.n() >= P95_FROM && !Double.isNaN(s.p95())) {
                sb.append(", p95 ").append(Quantities.format(s.p95(), m.unit()));
            }
        }
        if (!Double.isNaN(s.min()) && !Double.isNaN(s.max()) && s.min() != s.max()) {
            sb.append(", ").append(Quantities.format(s.min(), m.unit())).append(" to ")
                    .append(Quantities.format(s.max(), m.unit()));
        }
        return sb.append(')').toString();
    }
}
