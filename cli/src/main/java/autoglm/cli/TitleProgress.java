package autoglm.cli;

import autoglm.util.SafeText;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The progress of {@code profile} in the terminal's title (OSC 2), ticking every 500 ms. The profiled
 * command writes to the same terminal, from another process: a status line drawn on the screen moves the
 * cursor under the command's feet and erased every other line it printed (and autoglm's own notices). A
 * title is never drawn on the screen, so every line the command prints stays where it printed it. The
 * title is pushed at the start and popped at the end (xterm's CSI 22/23 t), where the terminal keeps a
 * stack. Only on a terminal, and not with AUTOGLM_NO_PROGRESS set.
 */
final class TitleProgress implements AutoCloseable {
    private final PrintStream out;
    private final ScheduledExecutorService ticker;

    private TitleProgress(PrintStream out, String what, long t0) {
        this.out = out;
        if (out == null) {
            ticker = null;
            return;
        }
        out.print("\033[22;0t");
        out.flush();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "autoglm-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> show(String.format(Locale.ROOT, "autoglm: profiling %s: %.0f s (Ctrl-C stops it)",
                what, (System.nanoTime() - t0) / 1e9)), 0, 500, TimeUnit.MILLISECONDS);
    }

    /** Starts ticking in the title of the terminal on stdout, or does nothing when stdout is not one. */
    static TitleProgress open(Io io, String what) {
        String term = System.getenv("TERM");
        boolean on = io.terminal() && System.getenv("AUTOGLM_NO_PROGRESS") == null && term != null
                && !term.equals("dumb");
        return new TitleProgress(on ? io.out() : null, SafeText.safe(what), System.nanoTime());
    }

    /** Sets the title: one write of one escape sequence, the text made safe (no BEL or ESC can end it early). */
    private synchronized void show(String text) {
        out.print("\033]2;" + SafeText.safe(text) + "\007");
        out.flush();
    }

    @Override
    public synchronized void close() {
        if (ticker == null) {
            return;
        }
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.print("\033[23;0t");
        out.flush();
    }
}
