package autoglm.cli;

/** The exit codes every command publishes. */
public final class ExitCodes {
    /** Ran, and nothing reached the --fail-on severity. */
    public static final int OK = 0;
    /** Ran, and a finding reached the --fail-on severity. */
    public static final int FINDINGS = 1;
    /** Bad input or environment: missing or corrupt file, bad option value. One line says what. */
    public static final int BAD_INPUT = 2;
    /** A defect in autoglm itself. One line says what; please report it. */
    public static final int INTERNAL_ERROR = 3;

    private ExitCodes() {
    }
}
