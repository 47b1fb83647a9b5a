package autoglm.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One resolver decides what diagnose's and export's inputs are: each kind in testdata, and the mixes refused. */
class InputResolverTest {
    @TempDir
    Path tmp;

    private static final Path TRACE = Fixtures.trace(Fixtures.DATALOADER);
    private static final Path RECORDING = Fixtures.root().resolve("testdata/cupti/glm8-eager-decode-31passes.bin.gz");

    @Test
    void eachKindOfInput() throws Exception {
        assertEquals(InputResolver.Kind.TRACES, InputResolver.resolve(List.of(TRACE)).kind());
        assertEquals(InputResolver.Kind.RECORDINGS, InputResolver.resolve(List.of(RECORDING)).kind());
        assertEquals(InputResolver.Kind.RUN_FOLDER, InputResolver.resolve(List.of(Fixtures.root().resolve(
                "testdata/runs/h100-replay"))).kind());
        // a load run (run.json beside load.json) is a run folder
        assertEquals(InputResolver.Kind.RUN_FOLDER, InputResolver.resolve(List.of(Fixtures.root().resolve(
                "testdata/load/agent-glm-tiny"))).kind());
        Path loadOnly = Files.createDirectories(tmp.resolve("load-only"));
        Files.copy(Fixtures.root().resolve("testdata/load/agent-glm-tiny/load.json"), loadOnly.resolve("load.json"));
        assertEquals(InputResolver.Kind.LOAD_FILES, InputResolver.resolve(List.of(loadOnly)).kind());
        assertEquals(InputResolver.Kind.LOAD_FILES, InputResolver.resolveOne(loadOnly).kind());
        // a folder of rank traces: its trace files in name order
        Path ranks = Files.createDirectories(tmp.resolve("ranks"));
        Files.copy(TRACE, ranks.resolve("rank1.trace.json.gz"));
        Files.copy(TRACE, ranks.resolve("rank0.trace.json.gz"));
        InputResolver.Input in = InputResolver.resolve(List.of(ranks));
        assertEquals(InputResolver.Kind.TRACES, in.kind());
        assertEquals(List.of(ranks.resolve("rank0.trace.json.gz"), ranks.resolve("rank1.trace.json.gz")), in.files());
        // one input (export): the folder is not expanded, the trace reader refuses it
        assertEquals(List.of(ranks), InputResolver.resolveOne(ranks).files());
        assertEquals(InputResolver.Kind.RECORDINGS, InputResolver.resolveOne(RECORDING).kind());
    }

    @Test
    void mixesAndNothingAreRefused() {
        assertTrue(assertThrows(BadInputException.class, () -> InputResolver.resolve(List.of())).getMessage()
                .startsWith("nothing to diagnose"));
        assertTrue(assertThrows(BadInputException.class, () -> InputResolver.resolve(List.of(TRACE, RECORDING)))
                .getMessage().contains("cannot be mixed"));
        assertTrue(assertThrows(BadInputException.class, () -> InputResolver.resolve(List.of(Fixtures.root().resolve(
                "testdata/runs/h100-replay"), TRACE))).getMessage().contains("on its own"));
    }
}
