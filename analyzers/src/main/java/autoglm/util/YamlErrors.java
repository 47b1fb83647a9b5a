package autoglm.util;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/** One line for a YAML or JSON syntax error: the parser's first line and where ("line 3, column 7"). */
public final class YamlErrors {
    private YamlErrors() {
    }

    public static String line(JsonProcessingException e) {
        String msg = SafeText.oneLine(e.getOriginalMessage());
        JsonLocation at = e.getLocation();
        if (at != null && at.getLineNr() > 0) {
            msg = msg + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        }
        return msg;
    }
}
