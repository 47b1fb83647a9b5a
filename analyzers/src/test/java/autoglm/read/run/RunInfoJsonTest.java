package autoglm.read.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.model.run.RunInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run.json through its one declaration ({@link RunInfo}): every run folder of testdata is read, written again and
 * read back; the bytes written are the file's own (so the writer has not drifted from what earlier autoglm wrote),
 * and the record read back equals the one read first. An unknown key is refused on one line that names it.
 */
class RunInfoJsonTest {
    @TempDir
    Path tmp;

    private static List<Path> testdataRuns() throws Exception {
        try (Stream<Path> s = Files.walk(Fixtures.root().resolve("testdata"))) {
            return s.filter(p -> p.getFileName().toString().equals(RunFolder.RUN_JSON)).sorted().toList();
        }
    }

    @Test
    void everyTestdataRunJsonRoundTripsByteForByte() throws Exception {
        List<Path> runs = testdataRuns();
        assertTrue(runs.size() >= 11, "run.json files found: " + runs);
        for (Path f : runs) {
            RunInfo read = RunInfoJson.read(f);
            Path again = tmp.resolve(f.getParent().getFileName() + ".json");
            RunInfoJson.write(read, again);
            assertEquals(Files.readString(f), Files.readString(again), f.toString());
            assertEquals(read, RunInfoJson.read(again), f.toString());
        }
    }

    @Test
    void aRunningRunRoundTrips() throws Exception {
        // as written at the start of a run: no end, no exit code, no overhead
        RunInfo done = RunInfoJson.read(Fixtures.root().resolve("testdata/runs/h100-replay/run.json"));
        RunInfo running = done.ended(0, RunInfo.RUNNING, false, null, "autoglm stopped before the run ended",
                java.util.Map.of(), null);
        Path f = tmp.resolve("run.json");
        RunInfoJson.write(running, f);
        String text = Files.readString(f);
        assertTrue(text.contains("\"ended\" : null,\n  \"endedUnixMs\" : null,"), text);
        assertTrue(text.contains("\"exitCode\" : null,"), text);
        assertTrue(text.contains("\"overhead\" : null\n}"), text);
        RunInfo back = RunInfoJson.read(f);
        assertEquals(running, back);
        assertFalse(back.complete());
    }

    @Test
    void anUnknownKeyIsRefusedOnOneLine() throws Exception {
        Path f = tmp.resolve("run.json");
        String json = Files.readString(Fixtures.root().resolve("testdata/runs/h100-replay/run.json"));
        Files.writeString(f, json.replace("\"nvml\" : {", "\"nvml\" : {\n    \"driver\" : \"580\","));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunInfoJson.read(f));
        assertTrue(e.getMessage().startsWith("nvml: unknown key 'driver' (the keys are available, cudaDriverVersion, "
                + "driverVersion, nvmlVersion, reason)"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void whatIsLeftOutOrNullReadsAsEmpty() throws Exception {
        // as the reader before the one declaration did: objects and lists empty, numbers NaN or 0, a null loss 0
        Path f = tmp.resolve("run.json");
        String json = Files.readString(Fixtures.root().resolve("testdata/runs/h100-replay/run.json"));
        Files.writeString(f, json.replaceFirst("(?s)\"host\" : \\{.*?\\}", "\"host\" : { }")
                .replace("\"gpus\" : [", "\"gpus\" : null, \"x\" : [").replaceFirst(", \"x\" : \\[(?s).*?\\} \\]", "")
                .replace("\"dataLoss\" : { }", "\"dataLoss\" : { \"gpu.csv: rows\" : null }")
                .replace("\"endedUnixMs\" : 1795349589124", "\"endedUnixMs\" : null")
                .replace("\"intervalMs\" : 100.0,", ""));
        RunInfo r = RunInfoJson.read(f);
        assertEquals(new RunInfo.Host(null, null, null, 0, 0), r.host());
        assertEquals(List.of(), r.gpus());
        assertEquals(java.util.Map.of("gpu.csv: rows", 0L), r.dataLoss());
        assertEquals(0, r.endedMs());
        assertTrue(Double.isNaN(r.settings().intervalMs()));
        assertEquals(200.0, r.settings().gpmIntervalMs());
    }

    @Test
    void aValueOfTheWrongTypeIsRefused() throws Exception {
        Path f = tmp.resolve("run.json");
        String json = Files.readString(Fixtures.root().resolve("testdata/runs/h100-replay/run.json"));
        Files.writeString(f, json.replace("\"powerLimitW\" : 700.0", "\"powerLimitW\" : \"700\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunInfoJson.read(f));
        assertEquals("gpus[0]: 'powerLimitW' has the wrong type (expected a number)", e.getMessage());
    }
}
