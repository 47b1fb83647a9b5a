package autoglm.cli;

import java.io.IOException;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Status;

/**
 * A status line at the bottom of the terminal, drawn by jline's {@link Status} in a scroll region, while
 * autoglm alone writes to the terminal (reading a large trace). Not while another process writes to it:
 * {@code profile} shows its progress in the title instead ({@link TitleProgress}). Only on a terminal: when output is piped
 * (or the terminal cannot keep a status line) every call does nothing. Updates are drawn at most
 * {@value #PER_SECOND} times a second.
 */
class Progress implements AutoCloseable {
    static final int PER_SECOND = 5;
    /** Does nothing. */
    static final Progress NONE = new Progress(null, null, false);

    private final Terminal terminal;
    private final Status status;
    private final boolean ownsTerminal;
    private long lastNanos;

    Progress(Terminal terminal, Status status, boolean ownsTerminal) {
        this.terminal = terminal;
        this.status = status;
        this.ownsTerminal = ownsTerminal;
    }

    /** A status line on this process's terminal, or {@link #NONE} when stdout is not a terminal. */
    static Progress open(Io io) {
        if (!io.terminal() || System.getenv("AUTOGLM_NO_PROGRESS") != null) {
            return NONE;
        }
        try {
            Terminal t = TerminalBuilder.builder().system(true).nativeSignals(false).dumb(true).build();
            if (t.getType() == null || t.getType().startsWith(Terminal.TYPE_DUMB) || t.getHeight() < 3) {
                t.close();
                return NONE;
            }
            return on(t, true);
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** A status line on the given terminal (tests give one over a byte stream). */
    static Progress on(Terminal t, boolean owns) {
        Status s = Status.getStatus(t, true);
        return s == null ? NONE : new Progress(t, s, owns);
    }

    /** Shows one line (cut to the terminal's width); skipped when the last one was drawn less than 1/5 s ago. */
    synchronized void show(String line) {
        if (status == null) {
            return;
        }
        long now = System.nanoTime();
        if (lastNanos != 0 && now - lastNanos < 1_000_000_000L / PER_SECOND) {
            return;
        }
        lastNanos = now;
        int width = Math.max(20, terminal.getWidth() - 1);
        String text = line.length() > width ? line.substring(0, width - 3) + "..." : line;
        status.update(List.of(new AttributedString(text)));
    }

    /** Removes the status line and gives the terminal back as it was. */
    @Override
    public synchronized void close() {
        if (status == null) {
            return;
        }
        status.update(List.of());
        status.close();
        terminal.flush();
        if (ownsTerminal) {
            try {
                terminal.close();
            } catch (IOException e) {
                // nothing left to restore
            }
        }
    }

    /** "reading trace.json.gz: 42% of 3.1 MB, 120,000 events". */
    static String reading(String file, long read, long total, long events) {
        int slash = file.lastIndexOf('/');
        String name = slash < 0 ? file : file.substring(slash + 1);
        return String.format(java.util.Locale.ROOT, "autoglm: reading %s: %d%% of %s, %,d events", name,
                total <= 0 ? 0 : Math.min(100, 100 * read / total),
                autoglm.analyse.Quantities.format(total, autoglm.analyse.Unit.BYTES), events);
    }
}
