package autoglm.report;

import autoglm.diagnose.Diagnosis;
import autoglm.result.ResultFile;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;

/**
 * The machine-readable diagnosis, schema 1 (docs/formats.md): the diagnosis as the records of {@link ResultFile},
 * which declare the file once for this writer and for its readers (gate, compare, diagnose FOLDER). Numbers that could
 * not be computed are null and carry a reason. Field order is stable.
 */
public final class JsonReport implements Report {
    public static final int SCHEMA = ResultFile.SCHEMA;

    @Override
    public void write(Diagnosis d, Writer out) throws IOException {
        ResultFile.write(ResultFile.of(d, VerifyText.WORK), out);
    }

    /** A number, or null when it is NaN or infinite (for the JSON of compare). */
    static void number(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, v);
        }
    }
}
