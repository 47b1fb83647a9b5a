package autoglm.util;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * A double as JSON has it: NaN and the infinities, which JSON has not, are written null; other doubles as Jackson
 * writes them. The one such serializer of the files autoglm writes (result.json, run.json).
 */
public final class FiniteOrNull extends StdSerializer<Double> {
    public FiniteOrNull() {
        super(Double.class);
    }

    @Override
    public void serialize(Double v, JsonGenerator gen, SerializerProvider sp) throws IOException {
        if (v == null || !Double.isFinite(v)) {
            gen.writeNull();
        } else {
            gen.writeNumber(v);
        }
    }
}
