package autoglm.result;

import autoglm.analyse.Metric;
import autoglm.analyse.Quantities;
import autoglm.analyse.Spread;
import autoglm.analyse.Unit;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.List;

/**
 * One metric in a result (docs/formats.md#metric): a number ({@code value}, null when absent or {@code bad}), a name
 * ({@code text}) or a breakdown ({@code text} and its typed {@code items}); its {@code unit}; when present its sample
 * count {@code n} and, where it has one, its spread; when absent the {@code reason}. A value that was not a finite
 * number is written null with {@code bad} and its {@code reason} right after it.
 *
 * <p>Which keys are written depends on the metric's kind (a number's {@code value} is written even when null, a
 * text's is left out), so this one object is written by {@link Writer}; every other object of the file is written
 * from its record's components by Jackson.
 */
@JsonSerialize(using = MetricEntry.Writer.class)
public record MetricEntry(String text, List<Item> items, @JsonDeserialize(using = MetricEntry.AnyNumber.class) Double value,
        Boolean bad, String unit, Long n, Double min, Double p50, Double p95, Double p99, Double max, Double stdev,
        String reason) {

    /** One part of a breakdown: its label, how much, and the unit of that. */
    public record Item(String label, Double value, String unit) {
    }

    public static MetricEntry of(Metric m) {
        String text = null;
        List<Item> items = null;
        Double value = null;
        Boolean bad = null;
        String reason = m.present() ? null : m.reason();
        if (m.isBreakdown()) {
            text = Quantities.format(m);
            items = m.items().stream().map(i -> new Item(i.label(), i.value(), i.unit().key())).toList();
        } else if (m.isText()) {
            text = m.present() ? m.text() : null;
        } else if (m.present() && Double.isFinite(m.value())) {
            value = m.value();
        } else if (m.present()) {
            // a bad value (NaN or an overflow in the input): null, flagged, so no reader takes it for absent
            bad = true;
            reason = "not a finite number (" + m.value() + "): a bad value in the input";
        }
        Spread s = m.present() ? m.spread() : Spread.NONE;
        return new MetricEntry(text, items, value, bad, m.unit().key(), m.present() ? m.n() : null, given(s.min()),
                given(s.p50()), given(s.p95()), given(s.p99()), given(s.max()), given(s.stdev()), reason);
    }

    private static Double given(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** Whether the metric has a spread (any of its six figures). */
    public boolean hasSpread() {
        return min != null || p50 != null || p95 != null || p99 != null || max != null || stdev != null;
    }

    /** The metric as the analyses know it ({@code name}: its key in the file). */
    public Metric toMetric(String name) {
        Unit u = Unit.ofKey(unit == null ? "" : unit);
        long count = n == null ? 0 : n;
        if (u == Unit.TEXT) {
            return text == null ? Metric.absent(name, u, reason) : Metric.text(name, text, count);
        }
        if (Boolean.TRUE.equals(bad) || (value != null && value.isNaN())) {
            // written for a value that was not a finite number, or text where the number belongs ("NaN")
            return Metric.of(name, u, Double.NaN, count, Spread.NONE);
        }
        if (value == null) {
            return Metric.absent(name, u, reason);
        }
        return Metric.of(name, u, value, count, new Spread(nan(min), nan(p50), nan(p95), nan(p99), nan(max), nan(stdev)));
    }

    private static double nan(Double v) {
        return v == null ? Double.NaN : v;
    }

    /** Writes the keys of the metric's kind, in the order of the components (a bad value's reason after {@code bad}). */
    static final class Writer extends StdSerializer<MetricEntry> {
        Writer() {
            super(MetricEntry.class);
        }

        @Override
        public void serialize(MetricEntry m, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeStartObject();
            if (Unit.TEXT.key().equals(m.unit())) {
                g.writeStringField("text", m.text());
                if (m.items() != null) {
                    p.defaultSerializeField("items", m.items(), g);
                }
            } else {
                p.defaultSerializeField("value", m.value(), g);
                if (m.bad() != null) {
                    g.writeBooleanField("bad", m.bad());
                    g.writeStringField("reason", m.reason());
                }
            }
            g.writeStringField("unit", m.unit());
            if (m.n() != null) {
                g.writeNumberField("n", m.n());
                if (m.hasSpread()) {
                    p.defaultSerializeField("min", m.min(), g);
                    p.defaultSerializeField("p50", m.p50(), g);
                    p.defaultSerializeField("p95", m.p95(), g);
                    p.defaultSerializeField("p99", m.p99(), g);
                    p.defaultSerializeField("max", m.max(), g);
                    p.defaultSerializeField("stdev", m.stdev(), g);
                }
            } else if (m.bad() == null) {
                g.writeStringField("reason", m.reason());
            }
            g.writeEndObject();
        }
    }

    /** A number, null, or anything else where the number belongs (text such as "NaN"): a bad value, read as NaN. */
    static final class AnyNumber extends StdDeserializer<Double> {
        AnyNumber() {
            super(Double.class);
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext c) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT || p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
                return p.getDoubleValue();
            }
            p.skipChildren();
            return Double.NaN;
        }
    }
}
