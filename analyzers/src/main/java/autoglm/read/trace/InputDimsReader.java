package autoglm.read.trace;

import autoglm.model.trace.ShapePool;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.util.Arrays;

/** Reads the {@code Input Dims} arg of an event (record_shapes=True) into the shape pool, without allocating. */
final class InputDimsReader {
    private final ShapePool shapes;
    private int[] shapeScratch = new int[64];

    InputDimsReader(ShapePool shapes) {
        this.shapes = shapes;
    }

    /** Interns Input Dims: a list (one per input) of lists of sizes; nested tensor lists count as no dims. */
    int read(JsonParser parser, JsonToken v) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return ShapePool.NONE;
        }
        int len = 0;
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new JsonEOFException(parser, null, "end of input inside Input Dims");
            }
            int rankAt = len;
            len = ensureShape(len + 1);
            shapeScratch[rankAt] = 0;
            if (t != JsonToken.START_ARRAY) {
                parser.skipChildren();
                continue;
            }
            int rank = 0;
            boolean nested = false;
            JsonToken d;
            while ((d = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (d == null) {
                    throw new JsonEOFException(parser, null, "end of input inside Input Dims");
                }
                if (d == JsonToken.VALUE_NUMBER_INT && !nested) {
                    len = ensureShape(len + 1);
                    shapeScratch[len - 1] = (int) Math.min(Integer.MAX_VALUE, KinetoTraceReader.longOf(parser, Long.MAX_VALUE));
                    rank++;
                } else {
                    nested = true;
                    parser.skipChildren();
                }
            }
            if (nested) {
                len = rankAt + 1;
                rank = 0;
            }
            shapeScratch[rankAt] = rank;
        }
        return shapes.intern(shapeScratch, len);
    }

    private int ensureShape(int len) {
        if (len > shapeScratch.length) {
            shapeScratch = Arrays.copyOf(shapeScratch, Math.max(len, shapeScratch.length * 2));
        }
        return len;
    }
}
