package autoglm.report;

import autoglm.compare.Comparison;
import java.io.IOException;
import java.io.Writer;

/** One output format of {@code autoglm compare}. */
public interface ComparisonReport {
    void write(Comparison c, Writer out) throws IOException;
}
