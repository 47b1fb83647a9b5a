package autoglm.analyse;

import autoglm.model.workload.WorkloadLog;
import java.util.List;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

/**
 * The workload's requests as a Tablesaw table, one row per measured request, with typed columns (docs/formats.md,
 * requests.csv): {@code t_ms, id, turn, prompt_tokens, output_tokens, ttft_ms, tpot_ms, e2e_ms, kv_bytes}. A value
 * the workload did not report (TPOT of a one-token answer) is missing, not zero. {@code t_ms} is when the request
 * finished, in Unix milliseconds. {@link #byTurn} groups it.
 */
public final class RequestTable {
    public static final List<String> COLUMNS = List.of("t_ms", "id", "turn", "prompt_tokens", "output_tokens",
            "ttft_ms", "tpot_ms", "e2e_ms", "kv_bytes");

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
