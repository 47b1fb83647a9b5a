package autoglm.report;

import autoglm.analyse.RequestTable;
import autoglm.model.workload.WorkloadLog;
import java.io.Writer;
import tech.tablesaw.api.Table;

/**
 * The workload's per-request table (requests.csv) and its per-turn summary (turns.csv) as CSV, written by Tablesaw
 * (docs/formats.md). Untrusted text cannot reach them: every column is a number.
 */
public final class RequestsCsv {
    private RequestsCsv() {
    }

    public static void requests(WorkloadLog log, Writer out) {
        RequestTable.of(log).write().csv(unclosed(out));
    }

    public static void turns(WorkloadLog log, Writer out) {
        Table t = RequestTable.of(log);
        RequestTable.byTurn(t).write().csv(unclosed(out));
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
