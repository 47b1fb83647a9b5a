package autoglm.record.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The profiled command in a process group of its own: started through util-linux's {@code setsid} (which execs the
 * command in place, so its pid is the command's and leads the group), signalled group-wide (the terminal's Ctrl-C
 * reaches only autoglm's own group, so autoglm passes it on), and, once the command has exited, reaped: any process of
 * its group still there (a background job of a shell script) gets SIGTERM and, 2 s later, SIGKILL, so nothing it
 * started outlives an interrupted autoglm. Without setsid the command runs in autoglm's group and only it is
 * signalled (a note says so).
 */
final class ProcessGroup {
    /** How long what is left of the group has after SIGTERM, and again after SIGKILL. */
    private static final long REAP_WAIT_NS = 2_000_000_000L;

    private final Process process;
    /** The command's process group (its pid), or 0 when it shares autoglm's group (no setsid). */
    private final long group;
    private final Consumer<String> notes;

    private ProcessGroup(Process process, long group, Consumer<String> notes) {
        this.process = process;
        this.group = group;
        this.notes = notes;
    }

    /** Starts {@code pb}'s command (argv as given, no shell) in a process group of its own where setsid exists. */
    static ProcessGroup start(ProcessBuilder pb, Consumer<String> notes) throws IOException {
        Path setsid = setsid();
        if (setsid != null) {
            // --wait: should setsid have to fork (it does when already a group leader), it still waits
            List<String> argv = new ArrayList<>(pb.command());
            argv.addAll(0, List.of(setsid.toString(), "--wait"));
            pb.command(argv);
        } else {
            notes.accept("setsid (util-linux) not found: the command runs in autoglm's process group, and what it "
                    + "starts in the background is not stopped with it");
        }
        Process p = pb.start();
        return new ProcessGroup(p, setsid != null ? p.pid() : 0, notes);
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The command's exit code once it has exited within {@code ms}, else empty. */
    OptionalInt exitWithin(long ms) throws InterruptedException {
        return process.waitFor(ms, TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    }

    /** Sends a signal to the command's group, or to the command alone when it has none of its own. */
    void signal(int sig) {
        if (group > 0 && Signals.killGroup(group, sig)) {
            return;
        }
        if (sig == Signals.SIGKILL) {
            process.destroyForcibly();
        } else if (sig == Signals.SIGTERM) {
            process.destroy();
        } else {
            Signals.kill(process.pid(), sig);
        }
    }

    /** SIGKILL to the group and the command: autoglm itself failed and cannot watch over it. */
    void kill() {
        signal(Signals.SIGKILL);
        process.destroyForcibly();
    }

    /**
     * After the command has exited: what is left of its process group gets SIGTERM, and SIGKILL if still there 2 s
     * later. Returns when the group is empty (or 2 s after the SIGKILL).
     */
    void reapLeftovers() {
        if (group <= 0 || !Signals.groupAlive(group)) {
            return;
        }
        notes.accept("the command has exited, but processes it started are still running: sending them SIGTERM");
        Signals.killGroup(group, Signals.SIGTERM);
        if (!emptyWithin(REAP_WAIT_NS)) {
            notes.accept("processes of the command ignored SIGTERM: sending SIGKILL");
            Signals.killGroup(group, Signals.SIGKILL);
            emptyWithin(REAP_WAIT_NS);
        }
    }

    private boolean emptyWithin(long ns) {
        long deadline = System.nanoTime() + ns;
        while (Signals.groupAlive(group) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !Signals.groupAlive(group);
            }
        }
        return !Signals.groupAlive(group);
    }

    /** util-linux's setsid, or null when this system has none. */
    private static Path setsid() {
        for (String dir : new String[] {"/usr/bin", "/bin", "/usr/sbin", "/sbin"}) {
            Path p = Path.of(dir, "setsid");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
