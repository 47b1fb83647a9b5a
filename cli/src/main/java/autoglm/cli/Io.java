package autoglm.cli;

import java.io.PrintStream;

/** The streams a command writes to, injected so tests can capture them, and whether stdout is a terminal. */
public record Io(PrintStream out, PrintStream err, boolean terminal) {
    /**
     * One line on stderr, "autoglm: " and the text made safe: file names, option values and messages
     * from outside may hold escape sequences, BEL, CR or bidi controls, which never reach the terminal.
     */
    public void say(String line) {
        err.println("autoglm: " + autoglm.util.SafeText.safe(line));
    }

    public static Io system() {
        String term = System.getenv("TERM");
        boolean tty = System.console() != null && (term == null || !term.equals("dumb"));
        return new Io(System.out, System.err, tty);
    }
}
