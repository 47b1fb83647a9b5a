package autoglm.report;

import autoglm.analyse.RequestTable;
import java.io.Writer;
import tech.tablesaw.api.Table;

/**
 * The workload's per-request table (requests.csv) and its per-turn summary (turns.csv) as CSV, written by Tablesaw
 * (docs/formats.md), and the analyses' other tables (served-steps.csv). Untrusted text cannot reach them: every column is a number.
 */
public final class RequestsCsv {
    private RequestsCsv() {
    }

    /** The per-request table of {@link RequestTable#of}. */
    public static void requests(Table requests, Writer out) {
        requests.write().csv(unclosed(out));
    }

    /** Its per-turn summary. */
    public static void turns(Table requests, Writer out) {
        RequestTable.byTurn(requests).write().csv(unclosed(out));
    }

    /** Any of the analyses' tables (the server's steps, served-steps.csv). */
    public static void table(Table table, Writer out) {
        table.write().csv(unclosed(out));
    }

    /** Tablesaw closes the writer it is given; the caller owns {@code out} (an atomic file write). */
    private static Writer unclosed(Writer out) {
        return new java.io.FilterWriter(out) {
            @Override
            public void close() throws java.io.IOException {
                flush();
            }
        };
    }
}
