package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cases of docs/gate.md "The gate never passes on nothing", end to end: each used to print PASS.
 * Inputs are the recorded H100 run folder and traces, edited the way a broken run or file would be.
 */
class GateNeverPassesOnNothingTest {
    @TempDir
    Path tmp;

    private static final Path REPLAY = Fixtures.root().resolve("testdata/runs/h100-replay");

    private Path copyRun(String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(REPLAY)) {
            for (Path p : s.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        return dir;
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String s = Files.readString(file);
        assertTrue(s.contains(from), from);
        Files.writeString(file, s.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
    }

    /** run.json as a run that ended with {@code status} (failed, interrupted) or is still running. */
    private static void markIncomplete(Path run, String status) throws IOException {
        edit(run.resolve("run.json"), "\"status\" : \"exited\"", "\"status\" : \"" + status + "\"");
        edit(run.resolve("run.json"), "\"complete\" : true", "\"complete\" : false");
    }

    private static void oneLine(Run r) {
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("autoglm: "), r.err());
    }

    @Test
    void aGpuBaselineAgainstARunWithoutADriverExitsTwo() throws Exception {
        Path cur = copyRun("no-driver");
        Files.delete(cur.resolve("gpu.csv"));
        Files.delete(cur.resolve("gpm.csv"));
        edit(cur.resolve("run.json"), "\"available\" : true", "\"available\" : false");
        edit(cur.resolve("run.json"), "\"reason\" : null", "\"reason\" : \"libnvidia-ml.so.1 not found\"");
        Run r = Run.of("gate", "--baseline", REPLAY.toString(), "--current", cur.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.out() + r.err());
        oneLine(r);
        assertTrue(r.err().contains("nothing to compare"), r.err());
        assertTrue(r.err().contains("in the baseline only"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aTraceWithOneEventFailsOnWhatItLacks() throws Exception {
        ObjectNode t = Fixtures.read(Fixtures.DECODE_KV);
        com.fasterxml.jackson.databind.node.ArrayNode events = (com.fasterxml.jackson.databind.node.ArrayNode) t.get("traceEvents");
        com.fasterxml.jackson.databind.JsonNode first = null;
        for (com.fasterxml.jackson.databind.JsonNode e : events) {
            if ("X".equals(e.path("ph").asText())) {
                first = e;
                break;
            }
        }
        events.removeAll();
        events.add(first);
        Path one = Fixtures.write(t, tmp.resolve("one.json"));
        Run r = Run.of("gate", "--baseline", Fixtures.trace(Fixtures.DECODE_KV).toString(), "--current", one.toString());
        // its one event (a CPU span) still gives a step time; GPU busy and the kernel counts are missing: fail
        assertEquals(ExitCodes.FINDINGS, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("  missing gpu_busy_pct "), r.out());
        assertTrue(r.out().contains("\nFAIL: "), r.out());
    }

    @Test
    void aTraceAgainstARunFolderExitsTwo() throws Exception {
        Run r = Run.of("gate", "--baseline", Fixtures.trace(Fixtures.DECODE_KV).toString(), "--current", REPLAY.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.out() + r.err());
        oneLine(r);
    }

    @Test
    void aRunStillRunningWithEmptyCsvsExitsTwoAndSaysItIsIncomplete() throws Exception {
        Path cur = copyRun("running");
        for (String f : List.of("gpu.csv", "gpm.csv")) {
            List<String> lines = Files.readAllLines(cur.resolve(f));
            Files.writeString(cur.resolve(f), lines.get(0) + "\n");
        }
        markIncomplete(cur, "running");
        Run r = Run.of("gate", "--baseline", REPLAY.toString(), "--current", cur.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.out() + r.err());
        oneLine(r);
        assertTrue(r.err().contains("the current run is incomplete (running"), r.err());
    }

    @Test
    void aFailedOrInterruptedRunFailsTheGateInEveryFormatUnlessAllowed() throws Exception {
        for (String status : List.of("failed", "interrupted", "running")) {
            Path cur = copyRun(status);
            markIncomplete(cur, status);
            Path junit = tmp.resolve(status + ".xml");
            Path md = tmp.resolve(status + ".md");
            Run r = Run.of("gate", "--baseline", REPLAY.toString(), "--current", cur.toString(), "--junit", junit.toString(),
                    "--markdown", md.toString());
            assertEquals(ExitCodes.FINDINGS, r.code(), status + ": " + r.out() + r.err());
            assertTrue(r.out().contains("run        " + status + " (INCOMPLETE)"), r.out());
            assertTrue(r.out().contains("\nFAIL: "), r.out());
            assertTrue(Files.readString(junit).contains("type=\"incomplete\""), status);
            assertTrue(Files.readString(md).contains("**fail**: the current run is incomplete (" + status), status);
            Run allowed = Run.of("gate", "--allow-incomplete", "--baseline", REPLAY.toString(), "--current", cur.toString());
            assertEquals(ExitCodes.OK, allowed.code(), status + ": " + allowed.out() + allowed.err());
            assertTrue(allowed.out().contains("allowed by --allow-incomplete"), allowed.out());
        }
    }

    @Test
    void aNanValueInTheJsonFailsAndIsCounted() throws Exception {
        Path base = tmp.resolve("base.json");
        assertEquals(0, Run.of("diagnose", "--format", "json", "-o", base.toString(),
                Fixtures.trace(Fixtures.DECODE_KV).toString()).code());
        ObjectNode json = (ObjectNode) Fixtures.json().readTree(base.toFile());
        ((ObjectNode) json.get("metrics").get("gpu_busy_pct")).put("value", "NaN");
        Path cur = tmp.resolve("cur.json");
        Fixtures.json().writeValue(cur.toFile(), json);
        Run r = Run.of("gate", "--baseline", base.toString(), "--current", cur.toString());
        assertEquals(ExitCodes.FINDINGS, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("  bad     gpu_busy_pct"), r.out());
        assertTrue(r.out().contains("1 bad value"), r.out());
    }

    @Test
    void nanInfinityAndHugeCellsInGpuCsvAreBadValuesThatFail() throws Exception {
        for (String cell : List.of("NaN", "Infinity", "1e308")) {
            Path cur = copyRun("cell-" + cell);
            List<String> lines = new java.util.ArrayList<>(Files.readAllLines(cur.resolve("gpu.csv")));
            // util_pct is the 4th column; make every row's value bad for "NaN"/"Infinity", all huge for 1e308
            for (int i = 1; i < lines.size(); i++) {
                String[] c = lines.get(i).split(",", -1);
                c[3] = cell;
                lines.set(i, String.join(",", c));
            }
            Files.write(cur.resolve("gpu.csv"), lines);
            Path json = tmp.resolve("cell-" + cell + ".json");
            Run d = Run.of("diagnose", "--format", "json", "-o", json.toString(), cur.toString());
            assertTrue(d.code() == 0 || d.code() == 1, d.err());
            com.fasterxml.jackson.databind.JsonNode util = Fixtures.json().readTree(json.toFile()).get("metrics").get("gpu_util_pct");
            assertTrue(util.get("value").isNull(), cell + ": " + util);
            assertTrue(util.get("bad").asBoolean(), cell + ": " + util);
            assertTrue(util.get("reason").asText().contains("not a finite number"), cell + ": " + util);
            Run r = Run.of("gate", "--baseline", REPLAY.toString(), "--current", cur.toString());
            assertEquals(ExitCodes.FINDINGS, r.code(), cell + ": " + r.out() + r.err());
            assertTrue(r.out().contains("  bad     gpu_util_pct"), r.out());
            Run j = Run.of("gate", "--baseline", REPLAY.toString(), "--current", json.toString());
            assertEquals(ExitCodes.FINDINGS, j.code(), cell + " via JSON: " + j.out() + j.err());
        }
    }
}
