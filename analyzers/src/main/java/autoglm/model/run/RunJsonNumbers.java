package autoglm.model.run;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * How run.json ({@link RunInfo}) writes the numbers it may not know: a double NVML could not give is NaN in Java and
 * null in the file (written by autoglm.util.FiniteOrNull), an end time not reached yet is 0 (or less) in Java and null in the file. Reading turns the nulls
 * back (a key left out reads the same as null); anything but a number or null is refused as the wrong type.
 */
public final class RunJsonNumbers {
    private RunJsonNumbers() {
    }

    /** A number, or null (or no key) as NaN. */
    public static final class NullAsNan extends StdDeserializer<Double> {
        public NullAsNan() {
            super(Double.class);
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                return p.getDoubleValue();
            }
            return (Double) ctxt.handleUnexpectedToken(Double.class, p);
        }

        @Override
        public Double getNullValue(DeserializationContext ctxt) {
            return Double.NaN;
        }
    }

    /** 0 or less (not reached yet) as null, other longs as they are. */
    public static final class ZeroAsNull extends StdSerializer<Long> {
        public ZeroAsNull() {
            super(Long.class);
        }

        @Override
        public void serialize(Long v, JsonGenerator gen, SerializerProvider sp) throws IOException {
            if (v == null || v <= 0) {
                gen.writeNull();
            } else {
                gen.writeNumber(v);
            }
        }
    }

    /** A whole number, or null (or no key) as 0. */
    public static final class NullAsZero extends StdDeserializer<Long> {
        public NullAsZero() {
            super(Long.class);
        }

        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return p.getLongValue();
            }
            return (Long) ctxt.handleUnexpectedToken(Long.class, p);
        }

        @Override
        public Long getNullValue(DeserializationContext ctxt) {
            return 0L;
        }
    }
}
