package autoglm.report;

import autoglm.analyse.workload.RequestTable;
import autoglm.analyse.load.ServedStepTable;
import autoglm.util.CsvFile;
import java.io.IOException;
import java.io.Writer;
import tech.tablesaw.api.Table;

/**
 * The workload's per-request table (requests.csv) and its per-turn summary (turns.csv), and the server's steps
 * (served-steps.csv), as CSV: each file one row record ({@link RequestTable.Row}, {@link RequestTable.TurnRow},
 * {@link ServedStepTable.Row}) written through {@link CsvFile}, as every CSV autoglm writes (docs/formats.md).
 * Untrusted text cannot reach them: every column is a number. The caller owns {@code out}: it is flushed, not closed.
 */
public final class RequestsCsv {
    private RequestsCsv() {
    }

    /** The per-request table of {@link RequestTable#of}. */
    public static void requests(Table requests, Writer out) throws IOException {
        CsvFile.write(RequestTable.Row.class, RequestTable.Row.of(requests), out);
    }

    /** Its per-turn summary. */
    public static void turns(Table requests, Writer out) throws IOException {
        CsvFile.write(RequestTable.TurnRow.class, RequestTable.TurnRow.of(RequestTable.byTurn(requests)), out);
    }

    /** The server's steps of {@link ServedStepTable#of} (served-steps.csv). */
    public static void table(Table steps, Writer out) throws IOException {
        CsvFile.write(ServedStepTable.Row.class, ServedStepTable.Row.of(steps), out);
    }
}
