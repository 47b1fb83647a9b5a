package autoglm.analyse.workload;

import autoglm.model.workload.WorkloadLog;
import autoglm.util.CsvCells.DecimalCell;
import autoglm.util.CsvCells.IntCell;
import autoglm.util.CsvCells.LongCell;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

/**
 * The workload's requests as a Tablesaw table, one row per measured request, with typed columns (docs/formats.md,
 * requests.csv): {@code t_ms, id, turn, prompt_tokens, output_tokens, ttft_ms, tpot_ms, e2e_ms, kv_bytes}. A value
 * the workload did not report (TPOT of a one-token answer) is missing, not zero. {@code t_ms} is when the request
 * finished, in Unix milliseconds. {@link #byTurn} groups it. The files are declared by {@link Row} (requests.csv
 * of a workload run) and {@link TurnRow} (turns.csv), written through autoglm.util.CsvFile.
 */
public final class RequestTable {
    /** requests.csv's columns, as {@link Row} declares them (and the table of {@link #of} has them). */
    public static final List<String> COLUMNS = autoglm.util.CsvFile.columns(Row.class);

    /**
     * One row of a workload run's requests.csv: the workload's own measure of a request (its {@code e2e_ms} from
     * its events, finished at {@code t_ms} in Unix ms), not a load run's client-side row (autoglm.read.load.RequestRow
     * in a load run's folder, which holds no workload log).
     */
    @JsonPropertyOrder({"t_ms", "id", "turn", "prompt_tokens", "output_tokens", "ttft_ms", "tpot_ms", "e2e_ms",
        "kv_bytes"})
    public record Row(
            @JsonProperty("t_ms") @LongCell long tMs,
            @JsonProperty("id") @IntCell int id,
            @JsonProperty("turn") @IntCell int turn,
            @JsonProperty("prompt_tokens") @LongCell long promptTokens,
            @JsonProperty("output_tokens") @LongCell long outputTokens,
            @JsonProperty("ttft_ms") @DecimalCell double ttftMs,
            @JsonProperty("tpot_ms") @DecimalCell double tpotMs,
            @JsonProperty("e2e_ms") @DecimalCell double e2eMs,
            @JsonProperty("kv_bytes") @DecimalCell double kvBytes) {

        /** The rows of a table of {@link #of}. */
        public static List<Row> of(Table t) {
            List<Row> out = new ArrayList<>(t.rowCount());
            for (int i = 0; i < t.rowCount(); i++) {
                out.add(new Row(t.longColumn("t_ms").getLong(i), t.intColumn("id").getInt(i),
                        t.intColumn("turn").getInt(i), t.longColumn("prompt_tokens").getLong(i),
                        t.longColumn("output_tokens").getLong(i), num(t, "ttft_ms", i), num(t, "tpot_ms", i),
                        num(t, "e2e_ms", i), num(t, "kv_bytes", i)));
            }
            return out;
        }
    }

    /** One row of turns.csv: the per-turn summary of {@link #byTurn}; a mean of no value is empty. */
    @JsonPropertyOrder({"turn", "requests", "prompt_tokens_mean", "ttft_ms_mean", "ttft_ms_max", "e2e_ms_mean"})
    public record TurnRow(
            @JsonProperty("turn") @IntCell int turn,
            @JsonProperty("requests") @IntCell int requests,
            @JsonProperty("prompt_tokens_mean") @DecimalCell double promptTokensMean,
            @JsonProperty("ttft_ms_mean") @DecimalCell double ttftMsMean,
            @JsonProperty("ttft_ms_max") @DecimalCell double ttftMsMax,
            @JsonProperty("e2e_ms_mean") @DecimalCell double e2eMsMean) {

        /** The rows of a table of {@link #byTurn}. */
        public static List<TurnRow> of(Table t) {
            List<TurnRow> out = new ArrayList<>(t.rowCount());
            for (int i = 0; i < t.rowCount(); i++) {
                out.add(new TurnRow(t.intColumn("turn").getInt(i), t.intColumn("requests").getInt(i),
                        num(t, "prompt_tokens_mean", i), num(t, "ttft_ms_mean", i), num(t, "ttft_ms_max", i),
                        num(t, "e2e_ms_mean", i)));
            }
            return out;
        }
    }

    /** A number cell of a table, NaN where it is missing. */
    public static double num(Table t, String column, int row) {
        NumericColumn<?> c = t.numberColumn(column);
        return c.isMissing(row) ? Double.NaN : c.getDouble(row);
    }

    private RequestTable() {
    }

    public static Table of(WorkloadLog log) {
        List<WorkloadLog.Request> rs = log.requests();
        LongColumn t = LongColumn.create("t_ms");
        IntColumn id = IntColumn.create("id");
        IntColumn turn = IntColumn.create("turn");
        LongColumn prompt = LongColumn.create("prompt_tokens");
        LongColumn output = LongColumn.create("output_tokens");
        DoubleColumn ttft = DoubleColumn.create("ttft_ms");
        DoubleColumn tpot = DoubleColumn.create("tpot_ms");
        DoubleColumn e2e = DoubleColumn.create("e2e_ms");
        DoubleColumn kv = DoubleColumn.create("kv_bytes");
        for (WorkloadLog.Request r : rs) {
            t.append(Math.round(r.t() * 1000));
            id.append(r.id());
            turn.append(r.turn());
            prompt.append(r.promptTokens());
            output.append(r.outputTokens());
            appendOrMissing(ttft, r.ttftMs());
            appendOrMissing(tpot, r.tpotMs());
            appendOrMissing(e2e, r.e2eMs());
            appendOrMissing(kv, r.kvBytes());
        }
        return Table.create("requests", t, id, turn, prompt, output, ttft, tpot, e2e, kv);
    }

    private static void appendOrMissing(DoubleColumn c, double v) {
        if (Double.isNaN(v)) {
            c.appendMissing();
        } else {
            c.append(v);
        }
    }

    /**
     * Per turn of the conversations: requests, mean prompt tokens, mean and max TTFT, mean end-to-end latency
     * (Tablesaw's group-by; means skip missing values). Columns: {@code turn, requests, prompt_tokens_mean,
     * ttft_ms_mean, ttft_ms_max, e2e_ms_mean}, in turn order.
     */
    public static Table byTurn(Table requests) {
        Table counts = requests.summarize("id", AggregateFunctions.count).by("turn");
        Table prompt = requests.summarize("prompt_tokens", AggregateFunctions.mean).by("turn");
        Table ttft = requests.summarize("ttft_ms", AggregateFunctions.mean, AggregateFunctions.max).by("turn");
        Table e2e = requests.summarize("e2e_ms", AggregateFunctions.mean).by("turn");
        IntColumn n = IntColumn.create("requests");
        for (int i = 0; i < counts.rowCount(); i++) {
            n.append((int) counts.numberColumn(1).getDouble(i));
        }
        Table out = Table.create("turns", counts.intColumn("turn").copy(), n,
                prompt.numberColumn(1).copy().setName("prompt_tokens_mean"),
                ttft.numberColumn(1).copy().setName("ttft_ms_mean"),
                ttft.numberColumn(2).copy().setName("ttft_ms_max"),
                e2e.numberColumn(1).copy().setName("e2e_ms_mean"));
        return out.sortAscendingOn("turn");
    }
}
