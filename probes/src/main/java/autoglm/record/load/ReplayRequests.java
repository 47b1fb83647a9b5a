package autoglm.record.load;

import autoglm.util.BadInputException;
import autoglm.util.SafeText;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Recorded traffic to replay (docs/load.md#replay): JSON lines, each a request body ({@code messages} for chat or
 * {@code prompt} for completions, {@code max_tokens}, any other sampling fields) with an optional {@code offset_ms},
 * its send time from the start, and optional {@code session} and {@code step}. {@code model}, {@code stream} and
 * {@code stream_options} are set by the client. A line that is not such an object is bad input, with its number.
 */
public final class ReplayRequests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplayRequests() {
    }

    public static List<Prepared> read(Path file, String model, boolean chat) {
        List<Prepared> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                out.add(parse(file, no, line, model, chat));
            }
        } catch (IOException e) {
            throw new BadInputException("--workload replay " + SafeText.oneLine(file.toString()) + ": cannot be read: "
                    + SafeText.oneLine(String.valueOf(e.getMessage())));
        }
        if (out.isEmpty()) {
            throw new BadInputException("--workload replay " + SafeText.oneLine(file.toString()) + ": no request in it");
        }
        return out;
    }

    private static Prepared parse(Path file, int no, String line, String model, boolean chat) {
        String where = SafeText.oneLine(file.getFileName().toString()) + " line " + no;
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadInputException(where + ": not JSON (" + SafeText.oneLine(e.getOriginalMessage()) + ")");
        }
        if (n == null || !n.isObject()) {
            throw new BadInputException(where + ": not a JSON object");
        }
        ObjectNode b = (ObjectNode) n.deepCopy();
        if (chat && !b.path("messages").isArray()) {
            throw new BadInputException(where + ": a chat request needs \"messages\" (a list)");
        }
        if (!chat && !b.path("prompt").isTextual()) {
            throw new BadInputException(where + ": a completions request needs \"prompt\" (a string)");
        }
        double offset = Double.NaN;
        if (b.has("offset_ms")) {
            if (!b.get("offset_ms").isNumber() || b.get("offset_ms").asDouble() < 0) {
                throw new BadInputException(where + ": offset_ms must be a number of milliseconds >= 0");
            }
            offset = b.remove("offset_ms").asDouble();
        }
        int session = b.has("session") ? b.remove("session").asInt() : 0;
        int step = b.has("step") ? b.remove("step").asInt() : 0;
        b.put("model", model);
        b.put("stream", true);
        b.putObject("stream_options").put("include_usage", true);
        PromptEstimate est;
        if (chat) {
            est = PromptEstimate.ofMessages(b.get("messages"));
        } else {
            est = new PromptEstimate();
            est.text(b.get("prompt").asText());
        }
        try {
            return new Prepared(JSON.writeValueAsBytes(b), session, step, est.tokens(), est.imageTokens(), 0, offset);
        } catch (JsonProcessingException e) {
            throw new BadInputException(where + ": cannot be serialised again");
        }
    }
}
