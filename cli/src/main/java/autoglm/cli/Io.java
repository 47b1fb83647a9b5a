package autoglm.cli;

import java.io.PrintStream;

/** The streams a command writes to, injected so tests can capture them, and whether stdout is a terminal. */
public record Io(PrintStream out, PrintStream err, boolean terminal) {
    public static Io system() {
        String term = System.getenv("TERM");
        boolean tty = System.console() != null && (term == null || !term.equals("dumb"));
        return new Io(System.out, System.err, tty);
    }
}
