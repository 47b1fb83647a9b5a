package autoglm.read.run;

import autoglm.model.run.RunInfo;
import autoglm.util.SafeFiles;
import autoglm.util.StrictBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes and reads run.json (docs/formats.md), declared once by {@link RunInfo}: written by Jackson from the record,
 * read back into it through {@link StrictBinding} (an unknown key, or a value of the wrong type, is refused). Writes
 * go to a temporary file, then move into place.
 */
public final class RunInfoJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunInfoJson() {
    }

    /**
     * Replaces run.json atomically (autoglm.util.SafeFiles). When that fails on a full disk, an existing
     * run.json is rewritten in place instead: its old blocks are freed first, so the final state of a run
     * still reaches the disk where a temporary copy no longer fits.
     */
    public static void write(RunInfo r, Path file) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(r);
        try {
            SafeFiles.write(file, out -> out.write(bytes));
        } catch (IOException e) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
            Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** The run.json at {@code file}; IllegalArgumentException with one line when it is not one autoglm reads. */
    public static RunInfo read(Path file) throws IOException {
        JsonNode o = JSON.readTree(file.toFile());
        if (o == null || !o.isObject() || !o.hasNonNull("schema") || !o.hasNonNull("command")) {
            throw new IllegalArgumentException("not an autoglm run.json (no schema or command)");
        }
        if (o.get("schema").isInt() && o.get("schema").asInt() > RunInfo.SCHEMA) {
            throw new IllegalArgumentException("run.json schema " + o.get("schema").asInt()
                    + " is newer than this autoglm reads (" + RunInfo.SCHEMA + ")");
        }
        try {
            return StrictBinding.bind(o, RunInfo.class);
        } catch (StrictBinding.Problem p) {
            throw new IllegalArgumentException(p.located());
        }
    }
}
