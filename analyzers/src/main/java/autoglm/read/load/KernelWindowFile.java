package autoglm.read.load;

import autoglm.util.BadInputException;
import autoglm.util.StrictBinding;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * kernels-window.json of a load run with {@code --serve --kernels} (docs/formats.md, docs/load.md#kernels): the load's
 * measured window the server's kernel recordings were cut to, whether every recorder answered each flush, and per
 * recording what was kept and left out; or {@code cut} false and {@code why}. This record is the one declaration of
 * the file: autoglm.record.load.KernelWindow writes it, {@link #read} reads it back strictly (unknown keys refused).
 * A key without a value is left out; the keys in the components' order (named again in JsonPropertyOrder, since
 * Jackson puts renamed record components last).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"cut", "why", "from_unix_ns", "to_unix_ns", "flushed_at_start", "flushed_at_end", "recordings"})
public record KernelWindowFile(Boolean cut, String why, @JsonProperty("from_unix_ns") Long fromUnixNs,
        @JsonProperty("to_unix_ns") Long toUnixNs, @JsonProperty("flushed_at_start") Boolean flushedAtStart,
        @JsonProperty("flushed_at_end") Boolean flushedAtEnd, List<Recording> recordings) {

    public static final String FILE = "kernels-window.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One recording: its file name and the activity records kept, left out before and after the window, and kept
     * for lack of a clock record ({@code unplaced}); or the {@code error} that kept it whole.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Recording(String file, Long kept, Long before, Long after, Long unplaced, String error) {
        public static Recording cut(String file, long kept, long before, long after, long unplaced) {
            return new Recording(file, kept, before, after, unplaced, null);
        }

        public static Recording failed(String file, String error) {
            return new Recording(file, null, null, null, null, error);
        }
    }

    /** The recordings were not cut: they cover the server's whole run, for the reason given. */
    public static KernelWindowFile notCut(String why) {
        return new KernelWindowFile(false, why, null, null, null, null, null);
    }

    /** Cut to the window {@code fromNs}..{@code toNs} (CLOCK_REALTIME, ns). */
    public static KernelWindowFile cut(long fromNs, long toNs, boolean flushedAtStart, boolean flushedAtEnd,
            List<Recording> recordings) {
        return new KernelWindowFile(true, null, fromNs, toNs, flushedAtStart, flushedAtEnd, List.copyOf(recordings));
    }

    /** Writes the file into the run folder: indented JSON and a newline. */
    public void write(Path folder) throws IOException {
        Files.writeString(folder.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n");
    }

    /** The file of a run folder; a missing, unreadable or malformed one is one line (BadInputException). */
    public static KernelWindowFile read(Path folder) {
        Path file = folder.resolve(FILE);
        try {
            return StrictBinding.bind(StrictBinding.tree(file), KernelWindowFile.class);
        } catch (StrictBinding.Problem p) {
            throw new BadInputException(file + ": malformed (" + p.located() + ")");
        }
    }
}
