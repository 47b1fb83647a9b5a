package autoglm.read.trace;

import autoglm.util.BadInputException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.EOFException;
import java.io.IOException;
import java.util.zip.ZipException;

/** What went wrong while reading a trace, in one line. */
final class ReadErrors {
    private ReadErrors() {
    }

    /** One line for an I/O or JSON error of {@code input}: truncated, invalid, corrupt gzip, or unreadable. */
    static BadInputException failure(TraceInput input, IOException e) {
        String file = input.path().toString();
        if (e instanceof JsonEOFException
                || (e instanceof JsonParseException && String.valueOf(e.getMessage()).startsWith("Unexpected end-of-input"))) {
            return new BadInputException(file + ": the JSON ends early after " + input.jsonBytesRead()
                    + " bytes (truncated file?)", e);
        }
        if (e instanceof JsonParseException) {
            String msg = e.getMessage();
            int cut = msg == null ? -1 : msg.indexOf('\n');
            String first = msg == null ? "invalid" : (cut > 0 ? msg.substring(0, cut) : msg);
            return new BadInputException(file + ": not valid JSON at " + where(((JsonParseException) e).getLocation())
                    + ": " + first, e);
        }
        if (e instanceof EOFException) {
            return new BadInputException(file + ": the gzip data ends early (truncated file?)", e);
        }
        if (e instanceof ZipException) {
            return new BadInputException(file + ": the gzip data is corrupt (" + e.getMessage() + ")", e);
        }
        return new BadInputException(file + ": cannot be read (" + e.getMessage() + ")", e);
    }

    static String where(JsonLocation loc) {
        return loc == null ? "unknown position" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    /** The kind of a JSON token, in words. */
    static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        switch (t) {
            case START_ARRAY:
                return "array";
            case START_OBJECT:
                return "object";
            case VALUE_STRING:
                return "string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "boolean";
            case VALUE_NULL:
                return "null";
            default:
                return t.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
