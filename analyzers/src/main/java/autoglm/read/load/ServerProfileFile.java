package autoglm.read.load;

import autoglm.util.BadInputException;
import autoglm.util.StrictBinding;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * server-profile.json of a load run with {@code --server-profile N} (docs/load.md, docs/formats.md): the window of
 * the server's own profiler in the load's milliseconds (requests.csv's clock; null where it did not open or close),
 * when the server had written its trace, how many measured requests ended inside it, and each answer of
 * /start_profile and /stop_profile. This record is the one declaration of the file: autoglm.record.load.ServerProfiler
 * writes it, {@link #read} reads it back strictly (unknown keys refused) for what profiling cost the requests. Every
 * key is written, null or not, in the components' order (named again in JsonPropertyOrder, since Jackson puts
 * renamed record components last).
 */
@JsonPropertyOrder({"requests", "start_ms", "stop_ms", "written_ms", "measured_ended_in_window", "answers"})
public record ServerProfileFile(int requests, @JsonProperty("start_ms") Double startMs,
        @JsonProperty("stop_ms") Double stopMs, @JsonProperty("written_ms") Double writtenMs,
        @JsonProperty("measured_ended_in_window") int measuredEndedInWindow, List<String> answers) {

    public static final String FILE = "server-profile.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes the file into the run folder. */
    public void write(Path folder) throws IOException {
        Files.writeString(folder.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this));
    }

    /** Whether the window opened and closed: both edges are known. */
    public boolean windowKnown() {
        return startMs != null && stopMs != null;
    }

    /** The file of a run folder; a missing, unreadable or malformed one is one line (BadInputException). */
    public static ServerProfileFile read(Path folder) {
        Path file = folder.resolve(FILE);
        try {
            return StrictBinding.bind(StrictBinding.tree(file), ServerProfileFile.class);
        } catch (StrictBinding.Problem p) {
            throw new BadInputException(file + ": malformed (" + p.located() + ")");
        }
    }
}
