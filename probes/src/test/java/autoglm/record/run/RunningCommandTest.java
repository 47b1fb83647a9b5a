package autoglm.record.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.model.run.RunInfo;
import autoglm.read.run.RunFolder;
import autoglm.read.run.RunInfoJson;
import autoglm.record.SampleListener;
import autoglm.record.nvml.NvmlProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command started under the probes (no GPU: host sampling only), as docs/formats.md describes run.json's life: it
 * says "running" (incomplete) from the moment the command starts; a command its caller stops (SIGTERM to its group)
 * has exited, complete unless the caller gave a reason; one that exits non-zero on its own has failed.
 */
class RunningCommandTest {
    @TempDir
    Path tmp;
    private final List<String> notes = new ArrayList<>();
    private final Profiler profiler = new Profiler(settings -> {
        throw new NvmlProbe.Unavailable("no GPU in this test");
    }, notes::add);

    private RunningCommand start(String... argv) throws Exception {
        return profiler.start(new Profiler.Request(List.of(argv), "t", tmp, new RunInfo.Settings(100, 100, 100), 10_000),
                SampleListener.NONE);
    }

    @Test
    void runJsonSaysRunningUntilTheCallerStopsTheCommand() throws Exception {
        RunningCommand running = start("/bin/sleep", "60");
        RunInfo during = RunInfoJson.read(running.folder().resolve(RunFolder.RUN_JSON));
        assertEquals(RunInfo.RUNNING, during.status());
        assertFalse(during.complete());
        assertEquals(0, during.endedMs());
        running.stop();
        Profiler.Result r = running.await();
        // sleep does not handle SIGTERM: it dies of it, 128 + 15
        assertEquals(143, r.info().exitCode());
        assertEquals(RunInfo.EXITED, r.info().status());
        assertTrue(r.info().complete());
        assertEquals("autoglm stopped the command when it was done with it (SIGTERM); it exited with code 143",
                r.info().note());
        assertNull(r.interruptedBy());
        assertNull(running.interruptedBy());
        assertEquals(r.info(), RunInfoJson.read(r.folder().resolve(RunFolder.RUN_JSON)));
        assertTrue(notes.contains("no GPU in this test: GPU sampling is off, host sampling goes on, GPU rules will not "
                + "be applicable"), notes.toString());
    }

    @Test
    void aStopWithAReasonLeavesTheRunIncomplete() throws Exception {
        RunningCommand running = start("/bin/sleep", "60");
        running.stop("the server was not ready");
        Profiler.Result r = running.await();
        assertEquals(RunInfo.EXITED, r.info().status());
        assertFalse(r.info().complete());
        assertEquals("autoglm stopped the command: the server was not ready; it exited with code 143", r.info().note());
    }

    @Test
    void aNonZeroExitIsAFailedRun() throws Exception {
        Profiler.Result r = start("/bin/sh", "-c", "exit 3").await();
        assertEquals(RunInfo.FAILED, r.info().status());
        assertFalse(r.info().complete());
        assertEquals(3, r.info().exitCode());
        assertEquals("the command exited with code 3", r.info().note());
        assertTrue(r.info().endedMs() >= r.info().startedMs());
    }
}
