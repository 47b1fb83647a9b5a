package autoglm.cli;

import autoglm.report.TerminalReport;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The width of the terminal the report goes to: {@code COLUMNS} when the shell exports it, else what jline reads
 * from the terminal (the TIOCGWINSZ ioctl), else {@link TerminalReport#DEFAULT_WIDTH}. Only asked when stdout is a
 * terminal: piped output keeps the fixed width, so that files and diffs do not depend on the window.
 */
final class TerminalWidth {
    private TerminalWidth() {
    }

    static int detect() {
        String columns = System.getenv("COLUMNS");
        if (columns != null && columns.matches("[0-9]{2,4}")) {
            return Integer.parseInt(columns);
        }
        try (Terminal t = TerminalBuilder.builder().system(true).nativeSignals(false).dumb(true).build()) {
            int w = t.getWidth();
            return w > 0 ? w : TerminalReport.DEFAULT_WIDTH;
        } catch (java.io.IOException | RuntimeException e) {
            return TerminalReport.DEFAULT_WIDTH;
        }
    }
}
