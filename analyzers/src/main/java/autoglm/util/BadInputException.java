package autoglm.util;

/**
 * Input the user gave cannot be used. The message is one line meant for the user, naming the input
 * and what is wrong with it; the command line turns it into exit code 2 without a stack trace.
 */
public final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
