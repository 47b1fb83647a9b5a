package autoglm.read.workload;

import autoglm.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import autoglm.util.BadInputException;
import autoglm.model.workload.WorkloadLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading event streams the workload wrote, whole and damaged. */
class WorkloadEventsTest {
    @TempDir
    Path tmp;

    @Test
    void readsEveryEventOfARealStream() throws IOException {
        Path f = Fixtures.workloadEvents("multi-turn");
        List<String> lines = Files.readAllLines(f);
        WorkloadLog log = WorkloadEvents.read(f);
        long steps = lines.stream().filter(l -> l.startsWith("{\"event\":\"step\"")).count();
        long requests = lines.stream().filter(l -> l.startsWith("{\"event\":\"request\"")).count();
        assertEquals(steps, log.steps().size());
        assertEquals(requests, log.requests().size());
        assertEquals(12, requests); // 2 conversations x 6 turns (scenario multi-turn)
        assertEquals("glm-tiny", log.start().model());
        assertEquals("multi-turn", log.start().scenario());
        assertEquals("6", log.start().knob("turns"));
        assertEquals("ok", log.end().status());
        assertNull(log.error());
        assertEquals(0, log.malformed());
    }

    @Test
    void aLineCutByAKillIsCountedAndTheRestIsRead() throws IOException {
        List<String> lines = Files.readAllLines(Fixtures.workloadEvents("multi-turn"));
        int keep = lines.size() / 2;
        String cut = String.join("\n", lines.subList(0, keep)) + "\n" + lines.get(keep).substring(0, 20);
        Path f = tmp.resolve("events.jsonl");
        Files.writeString(f, cut, StandardCharsets.UTF_8);
        WorkloadLog log = WorkloadEvents.read(f);
        assertEquals(1, log.malformed());
        assertNull(log.end());
        long steps = lines.subList(0, keep).stream().filter(l -> l.contains("\"event\":\"step\"")).count();
        assertEquals(steps, log.steps().size());
    }

    @Test
    void aStreamThatNeverStartedSaysWhy() throws IOException {
        Path f = tmp.resolve("events.jsonl");
        Files.writeString(f, "{\"event\":\"error\",\"t\":1,\"message\":\"mode=graphs: CUDA graphs need device=cuda\","
                + "\"where\":\"setup\"}\n");
        BadInputException e = assertThrows(BadInputException.class, () -> WorkloadEvents.read(f));
        assertEquals("the workload stopped before it started: mode=graphs: CUDA graphs need device=cuda", e.getMessage());
    }

    @Test
    void foreignOrNewerStreamsAreBadInput() throws IOException {
        Path f = tmp.resolve("events.jsonl");
        Files.writeString(f, "not json\n[1,2]\n");
        assertEquals(f + ": no start event: not an autoglm workload event stream (2 lines are not JSON)",
                assertThrows(BadInputException.class, () -> WorkloadEvents.read(f)).getMessage());
        Files.writeString(f, "{\"event\":\"start\",\"t\":1,\"schema\":2}\n");
        assertEquals(f + ": workload events of schema 2; this autoglm reads schema 1",
                assertThrows(BadInputException.class, () -> WorkloadEvents.read(f)).getMessage());
        assertEquals(tmp.resolve("none.jsonl") + ": no such file", assertThrows(BadInputException.class,
                () -> WorkloadEvents.read(tmp.resolve("none.jsonl"))).getMessage());
    }
}
