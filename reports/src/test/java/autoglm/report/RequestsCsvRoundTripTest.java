package autoglm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.workload.RequestTable;
import autoglm.analyse.load.ServedStepTable;
import autoglm.analyse.load.ServedSteps;
import autoglm.analyse.trace.TraceAnalyzer;
import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadSettings;
import autoglm.model.load.Scrape;
import autoglm.model.load.SeriesKey;
import autoglm.read.cupti.CuptiLoader;
import autoglm.read.workload.WorkloadEvents;
import autoglm.util.CsvFile;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/**
 * A workload run's requests.csv and turns.csv, and served-steps.csv, written through their row records: the bytes
 * Tablesaw's own CSV writer gives for the same tables (how they were written before), on the workload logs of
 * testdata/workload and the H100 CUPTI recording of testdata/cupti; and read back to the same rows.
 */
class RequestsCsvRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void workloadTablesAreTablesawsBytesAndReadBack() throws IOException {
        int logs = 0;
        try (Stream<Path> s = Files.list(Fixtures.root().resolve("testdata/workload"))) {
            for (Path log : s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
                Table requests = RequestTable.of(WorkloadEvents.read(log));
                if (requests.rowCount() == 0) {
                    continue;
                }
                logs++;
                StringWriter ours = new StringWriter();
                RequestsCsv.requests(requests, ours);
                assertEquals(tablesaw(requests), ours.toString(), log.toString());
                StringWriter turns = new StringWriter();
                RequestsCsv.turns(requests, turns);
                assertEquals(tablesaw(RequestTable.byTurn(requests)), turns.toString(), log.toString());

                Path file = tmp.resolve("requests.csv");
                Files.writeString(file, ours.toString());
                Map<String, Long> loss = new HashMap<>();
                assertEquals(RequestTable.Row.of(requests), CsvFile.read(file, RequestTable.Row.class,
                        RequestTable.COLUMNS, "requests.csv", loss).rows(), log.toString());
                Files.writeString(file, turns.toString());
                assertEquals(RequestTable.TurnRow.of(RequestTable.byTurn(requests)), CsvFile.read(file,
                        RequestTable.TurnRow.class, List.of(), "turns.csv", loss).rows(), log.toString());
                assertEquals(Map.of(), loss);
            }
        }
        assertTrue(logs >= 3, "workload logs with requests: " + logs);
    }

    @Test
    void servedStepsAreTablesawsBytesAndReadBack() throws Exception {
        var trace = new TraceAnalyzer(AnalysisSettings.defaults()).analyze(CuptiLoader.load(List.of(
                Fixtures.root().resolve("testdata/cupti/glm8-eager-decode-31passes.bin.gz"))).model());
        LoadSettings settings = new LoadSettings("", "glm8", "chat", "synthetic", "sync", Double.NaN, 1, 1, 1, 1, 0, 0,
                0, 0, Double.NaN, Double.NaN, Double.NaN, "", List.of(), 0);
        LoadRecording load = new LoadRecording(settings, List.of(), List.of(new Scrape(0, Map.of(SeriesKey.of(
                "vllm:num_requests_running", Map.of("model_name", "glm8")), 1.0))), Map.of(), 2000, true);
        Table steps = ServedStepTable.of(ServedSteps.of(trace, load));
        assertEquals(31, steps.rowCount());
        StringWriter ours = new StringWriter();
        RequestsCsv.table(steps, ours);
        assertEquals(tablesaw(steps), ours.toString());
        Path file = tmp.resolve("served-steps.csv");
        Files.writeString(file, ours.toString());
        Map<String, Long> loss = new HashMap<>();
        assertEquals(ServedStepTable.Row.of(steps), CsvFile.read(file, ServedStepTable.Row.class, List.of(),
                "served-steps.csv", loss).rows());
        assertEquals(Map.of(), loss);
    }

    /** The table as Tablesaw's CSV writer writes it. */
    private static String tablesaw(Table t) {
        StringWriter w = new StringWriter();
        t.write().csv((Writer) w);
        return w.toString();
    }
}
