package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.probes.run.Signals;
import autoglm.samples.RunFolder;
import autoglm.samples.RunInfo;
import autoglm.samples.RunInfoJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C and SIGTERM sent to a real autoglm process (a second JVM on this test's class path) while it
 * profiles a command: the command is stopped, the partial run is kept, marked incomplete and diagnosed,
 * and autoglm exits with 2 after one line that says so.
 */
class ProfileSignalTest {
    @TempDir
    Path tmp;

    private record Outcome(int code, String out, String err, RunInfo info, long childPid) {
    }

    private Outcome interrupt(String signal, String grace, String... command) throws Exception {
        Path out = tmp.resolve("runs");
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "autoglm.cli.Main", "profile", "--grace", grace,
                "--out", out.toString(), "--"));
        argv.addAll(List.of(command));
        Path stdout = tmp.resolve("stdout");
        Path stderr = tmp.resolve("stderr");
        Process p = new ProcessBuilder(argv).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        long child = -1;
        for (int i = 0; i < 300 && child < 0; i++) {
            Thread.sleep(50);
            child = p.toHandle().children().mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
        }
        assertTrue(child > 0, "the command started");
        Thread.sleep(700);
        assertTrue(Signals.kill(p.pid(), signal.equals("INT") ? Signals.SIGINT : Signals.SIGTERM));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "autoglm ended");
        Path run;
        try (Stream<Path> s = Files.list(out)) {
            run = s.findFirst().orElseThrow();
        }
        return new Outcome(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8), RunInfoJson.read(run.resolve(RunFolder.RUN_JSON)), child);
    }

    @Test
    void ctrlCStopsTheCommandAndKeepsTheRunIncomplete() throws Exception {
        Outcome o = interrupt("INT", "10s", "sleep", "30");
        assertEquals(ExitCodes.BAD_INPUT, o.code(), o.err());
        assertEquals(RunInfo.INTERRUPTED, o.info().status());
        assertFalse(o.info().complete());
        assertEquals(130, o.info().exitCode(), "sleep died of the forwarded SIGINT (128 + 2)");
        assertTrue(o.out().contains("diagnosis of a profiled run") && o.out().contains("(INCOMPLETE)"), o.out());
        assertTrue(o.err().contains("autoglm: interrupted by SIGINT: the partial run is kept in "), o.err());
        assertFalse(ProcessHandle.of(o.childPid()).map(ProcessHandle::isAlive).orElse(false), "the command is gone");
        assertTrue(o.info().endedMs() - o.info().startedMs() < 10_000, "it stopped at once");
    }

    @Test
    void sigtermIsPassedOn() throws Exception {
        Outcome o = interrupt("TERM", "10s", "sleep", "30");
        assertEquals(ExitCodes.BAD_INPUT, o.code(), o.err());
        assertEquals(RunInfo.INTERRUPTED, o.info().status());
        assertEquals(143, o.info().exitCode(), "sleep died of SIGTERM (128 + 15)");
        assertTrue(o.err().contains("interrupted by SIGTERM"), o.err());
    }

    @Test
    void aCommandThatIgnoresSignalsIsKilledAfterTheGracePeriod() throws Exception {
        Outcome o = interrupt("INT", "1s", "sh", "-c", "trap '' INT TERM; while :; do sleep 0.2; done");
        assertEquals(ExitCodes.BAD_INPUT, o.code(), o.err());
        assertEquals(137, o.info().exitCode(), "SIGKILL (128 + 9)");
        assertTrue(o.err().contains("sending SIGTERM") && o.err().contains("sending SIGKILL"), o.err());
        assertFalse(o.info().complete());
    }
}
