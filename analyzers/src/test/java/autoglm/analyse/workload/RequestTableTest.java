package autoglm.analyse.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.model.workload.WorkloadLog;
import autoglm.read.workload.WorkloadEvents;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringReader;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * The workload's per-request table (Tablesaw) on event streams the workload wrote (glm-tiny on CPU), and its
 * per-turn group-by, against tools/workload_check.py's "turns" (plain Python over the same lines).
 */
class RequestTableTest {
    private static WorkloadLog log(String name) throws Exception {
        return WorkloadEvents.read(Fixtures.workloadEvents(name));
    }

    private static JsonNode expected(String name) throws Exception {
        return Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/workload-" + name + ".json").toFile());
    }

    @Test
    void oneTypedRowPerRequest() throws Exception {
        WorkloadLog log = log("multi-turn");
        Table t = RequestTable.of(log);
        assertEquals(RequestTable.COLUMNS, t.columnNames());
        assertEquals(expected("multi-turn").get("workload_requests").asInt(), t.rowCount());
        assertEquals(ColumnType.INTEGER, t.column("turn").type());
        assertEquals(ColumnType.LONG, t.column("prompt_tokens").type());
        assertEquals(ColumnType.DOUBLE, t.column("ttft_ms").type());
        assertEquals(expected("multi-turn").get("ttft_ms").asDouble(), t.doubleColumn("ttft_ms").mean(), 1e-9);
    }

    @Test
    void perTurnMeansAgreeWithTheIndependentCheck() throws Exception {
        for (String name : new String[] {"multi-turn", "mixed-lengths"}) {
            Table turns = RequestTable.byTurn(RequestTable.of(log(name)));
            JsonNode want = expected(name).get("turns");
            assertEquals(want.size(), turns.rowCount(), name);
            for (int i = 0; i < want.size(); i++) {
                JsonNode w = want.get(i);
                assertEquals(w.get("turn").asInt(), turns.intColumn("turn").get(i), name);
                for (String c : new String[] {"requests", "prompt_tokens_mean", "ttft_ms_mean", "ttft_ms_max",
                    "e2e_ms_mean"}) {
                    assertEquals(w.get(c).asDouble(), turns.numberColumn(c).getDouble(i),
                            Math.abs(w.get(c).asDouble()) * 1e-12, name + " turn " + i + " " + c);
                }
            }
        }
    }

    @Test
    void theCsvReadsBackWithTheSameTypesAndValues() throws Exception {
        Table t = RequestTable.of(log("mixed-lengths"));
        StringWriter w = new StringWriter();
        t.write().csv(w);
        ColumnType[] types = t.columns().stream().map(c -> c.type()).toArray(ColumnType[]::new);
        Table back = Table.read().usingOptions(CsvReadOptions.builder(new StringReader(w.toString())).columnTypes(types));
        assertEquals(t.rowCount(), back.rowCount());
        for (String c : RequestTable.COLUMNS) {
            for (int i = 0; i < t.rowCount(); i++) {
                assertEquals(String.valueOf(t.column(c).get(i)), String.valueOf(back.column(c).get(i)), c + " row " + i);
            }
        }
        assertTrue(w.toString().startsWith(String.join(",", RequestTable.COLUMNS) + "\n"), w.toString());
    }
}
