package autoglm.report;

import autoglm.diagnose.Diagnosis;
import java.io.IOException;
import java.io.Writer;

/** One output format of a diagnosis. Formats only: every number comes computed in the diagnosis. */
public interface Report {
    void write(Diagnosis diagnosis, Writer out) throws IOException;
}
