package autoglm.report;

import autoglm.gate.GateResult;
import java.io.IOException;
import java.io.Writer;

/** One output format of the gate's verdict. Formats only: every number comes computed in the result. */
public interface GateReport {
    void write(GateResult result, Writer out) throws IOException;
}
