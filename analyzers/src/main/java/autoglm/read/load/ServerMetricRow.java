package autoglm.read.load;

import autoglm.util.CsvCells.MillisCell;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;

/**
 * One row of server-metrics.csv (docs/formats.md#load-runs): at scrape {@code t_ms} (its key in scrapes.csv), the
 * series {@code name{label="value",...}} had {@code value} (Prometheus' text: NaN, +Inf and -Inf as the exposition
 * writes them).
 */
@JsonPropertyOrder({"t_ms", "series", "value"})
public record ServerMetricRow(
        @JsonProperty("t_ms") @MillisCell double tMs,
        @JsonProperty("series") String series,
        @JsonProperty("value") @JsonSerialize(using = ValueWrite.class) @JsonDeserialize(using = ValueRead.class)
        double value) {

    public static final class ValueWrite extends JsonSerializer<Double> {
        @Override
        public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeNumber(Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? (v > 0 ? "+Inf" : "-Inf") : Double.toString(v));
        }
    }

    public static final class ValueRead extends JsonDeserializer<Double> {
        @Override
        public Double deserialize(JsonParser p, DeserializationContext c) throws IOException {
            return Double.parseDouble(p.getValueAsString("").replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
        }
    }
}
