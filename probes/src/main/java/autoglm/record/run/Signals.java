package autoglm.record.run;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM while a profiled command runs: instead of the JVM's default (exit at once), they
 * are handed to autoglm, which stops the command and keeps the run. {@link #kill} sends a signal to a
 * process through libc.
 */
public final class Signals implements AutoCloseable {
    public static final int SIGINT = 2;
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    /** libc's kill(2). */
    interface LibC extends Library {
        int kill(int pid, int sig);
    }

    private static volatile LibC libc;
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    /** Installs {@code onSignal} (given "INT" or "TERM") for SIGINT and SIGTERM until {@link #close}. */
    public Signals(Consumer<String> onSignal) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal s = new Signal(name);
                SignalHandler prev = Signal.handle(s, sig -> onSignal.accept(sig.getName()));
                signals.add(s);
                previous.add(prev);
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal for itself (-Xrs, or a platform without it): leave it
            }
        }
    }

    /** Sends {@code sig} to every process of the process group {@code pgid}; false when none got it. */
    public static boolean killGroup(long pgid, int sig) {
        return pgid > 1 && kill(-pgid, sig);
    }

    /** Whether any process of the group {@code pgid} is still there (signal 0 checks without sending). */
    public static boolean groupAlive(long pgid) {
        return killGroup(pgid, 0);
    }

    /** Sends {@code sig} to {@code pid}; false when it could not. */
    public static boolean kill(long pid, int sig) {
        try {
            if (libc == null) {
                libc = Native.load("c", LibC.class);
            }
            return libc.kill((int) pid, sig) == 0;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
