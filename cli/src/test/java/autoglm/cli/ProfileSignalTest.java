package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.record.run.Signals;
import autoglm.read.run.RunFolder;
import autoglm.model.run.RunInfo;
import autoglm.read.run.RunInfoJson;
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
 * and autoglm exits with 2 after one line that says so. The signal is sent once the command's process group is in the
 * state the case needs (its processes started, their signals ignored where the case ignores them), read from /proc,
 * not after a guessed delay.
 */
class ProfileSignalTest {
    @TempDir
    Path tmp;

    private record Outcome(int code, String out, String err, RunInfo info, long childPid, List<Long> groupBefore) {
    }

    /** The processes whose process group is {@code pgid}, from /proc/PID/stat (field 5). */
    static List<Long> group(long pgid) throws Exception {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                String stat;
                try {
                    stat = Files.readString(p.resolve("stat"));
                } catch (java.io.IOException e) {
                    continue; // gone meanwhile
                }
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // f[0] is the state, f[2] the process group; a zombie is already dead
                if (Long.parseLong(f[2]) == pgid && !f[0].equals("Z")) {
                    out.add(Long.parseLong(p.getFileName().toString()));
                }
            }
        }
        return out;
    }

    /**
     * {@code env --default-signal=INT}: SIGINT back to its default for the autoglm under test. A build started in the
     * background of a script (`mvn verify &`) inherits SIGINT ignored, and a JVM that starts with it ignored leaves it
     * so (HotSpot installs no handler), whatever the test sends; a user's Ctrl-C reaches a foreground autoglm.
     */
    static List<String> defaultSignals() {
        return List.of("env", "--default-signal=INT");
    }

    /** The process's name (/proc/PID/comm), or "" once it is gone. */
    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (java.io.IOException gone) {
            return "";
        }
    }

    /** Whether the process ignores both SIGINT and SIGTERM (its SigIgn mask in /proc/PID/status: bits 1 and 14). */
    private static boolean ignoresIntAndTerm(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("SigIgn:")) {
                    long mask = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    return (mask & (1L << 1)) != 0 && (mask & (1L << 14)) != 0;
                }
            }
        } catch (java.io.IOException gone) {
            // gone meanwhile
        }
        return false;
    }

    /** The group holds {@code count} processes named {@code name}, at least {@code ignoring} of them ignoring INT and TERM. */
    private static java.util.function.Predicate<List<Long>> has(int count, String name, int ignoring) {
        return g -> g.stream().filter(p -> comm(p).equals(name)).count() >= count
                && g.stream().filter(p -> comm(p).equals(name) && ignoresIntAndTerm(p)).count() >= ignoring;
    }

    private Outcome interrupt(String signal, String grace, java.util.function.Predicate<List<Long>> ready,
            String... command) throws Exception {
        Path out = tmp.resolve("runs");
        List<String> argv = new ArrayList<>(defaultSignals());
        argv.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "autoglm.cli.Main", "profile", "--grace", grace,
                "--out", out.toString(), "--"));
        argv.addAll(List.of(command));
        Path stdout = tmp.resolve("stdout");
        Path stderr = tmp.resolve("stderr");
        Process p = new ProcessBuilder(argv).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        long child = -1;
        for (int i = 0; i < 300 && child < 0; i++) {
            Thread.sleep(50);
            // the command's process (it leads a process group of its own), not a helper OSHI may start
            for (ProcessHandle h : p.toHandle().children().toList()) {
                if (group(h.pid()).contains(h.pid())) {
                    child = h.pid();
                }
            }
        }
        assertTrue(child > 0, "the command started");
        for (int i = 0; i < 600 && !ready.test(group(child)); i++) {
            Thread.sleep(50);
        }
        List<Long> before = group(child);
        assertTrue(ready.test(before), "the command's group is ready: " + before);
        assertTrue(Signals.kill(p.pid(), signal.equals("INT") ? Signals.SIGINT : Signals.SIGTERM));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "autoglm ended");
        Path run;
        try (Stream<Path> s = Files.list(out)) {
            run = s.findFirst().orElseThrow();
        }
        return new Outcome(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8), RunInfoJson.read(run.resolve(RunFolder.RUN_JSON)), child,
                before);
    }

    @Test
    void ctrlCStopsTheCommandAndKeepsTheRunIncomplete() throws Exception {
        Outcome o = interrupt("INT", "10s", has(1, "sleep", 0), "sleep", "30");
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
        Outcome o = interrupt("TERM", "10s", has(1, "sleep", 0), "sleep", "30");
        assertEquals(ExitCodes.BAD_INPUT, o.code(), o.err());
        assertEquals(RunInfo.INTERRUPTED, o.info().status());
        assertEquals(143, o.info().exitCode(), "sleep died of SIGTERM (128 + 15)");
        assertTrue(o.err().contains("interrupted by SIGTERM"), o.err());
    }

    @Test
    void aCommandThatIgnoresSignalsIsKilledAfterTheGracePeriod() throws Exception {
        Outcome o = interrupt("INT", "1s", has(1, "sh", 1), "sh", "-c", "trap '' INT TERM; while :; do sleep 0.2; done");
        assertEquals(ExitCodes.BAD_INPUT, o.code(), o.err());
        assertEquals(137, o.info().exitCode(), "SIGKILL (128 + 9)");
        assertTrue(o.err().contains("sending SIGTERM") && o.err().contains("sending SIGKILL"), o.err());
        assertFalse(o.info().complete());
    }

    @Test
    void noProcessOfTheCommandsGroupSurvivesAnInterrupt() throws Exception {
        Outcome o = interrupt("INT", "10s", has(2, "sleep", 0), "sh", "-c", "sleep 30 & sleep 30 & wait");
        assertEquals(ExitCodes.BAD_INPUT, o.code(), o.err());
        assertEquals(3, o.groupBefore().size(), "sh and its two sleeps lead and fill a group of their own: " + o.groupBefore());
        assertTrue(o.groupBefore().contains(o.childPid()));
        assertEquals(List.of(), group(o.childPid()), "no process of the group survives");
    }

    @Test
    void aGrandchildThatIgnoresSignalsIsKilledToo() throws Exception {
        Outcome o = interrupt("TERM", "10s", has(2, "sleep", 1), "sh", "-c",
                "(trap '' INT TERM; sleep 30) & sleep 30 & wait");
        assertEquals(ExitCodes.BAD_INPUT, o.code(), o.err());
        assertTrue(o.groupBefore().size() >= 3, o.groupBefore().toString());
        assertEquals(List.of(), group(o.childPid()), "no process of the group survives");
        assertTrue(o.err().contains("processes it started are still running: sending them SIGTERM"), o.err());
        assertTrue(o.err().contains("sending SIGKILL"), o.err());
    }
}
