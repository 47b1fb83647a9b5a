package autoglm.read.openai;

import autoglm.model.load.Usage;
import autoglm.util.SafeText;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What one streamed chunk of /v1/chat/completions (or /v1/completions) carries, as the load client classifies it
 * (docs/analyses.md, "Request latency"; docs/load.md, "Errors in the stream"). A chunk whose {@code choices} is a
 * non-empty array is one vLLM's bench serve times (TTFT at the first, ITL between them): {@link Kind#TOKENS} when a
 * choice carries text (content, reasoning as {@code reasoning_content} or {@code reasoning}, or a tool call),
 * {@link Kind#EMPTY} when none does (the opening frame that names the role, a frame with only {@code finish_reason}).
 * {@link Kind#USAGE} is the usage chunk ({@code choices} empty, {@code usage} given); {@link Kind#OTHER} a JSON object
 * with neither (skipped, as vLLM's bench skips it); {@link Kind#DONE} is {@code [DONE]}; {@link Kind#MALFORMED} data
 * that is not a JSON object. {@link Kind#ERROR} is an engine's error in the stream, in any shape an engine sends: an
 * {@code error} object or string (vLLM, SGLang, TGI, llama.cpp), a top-level {@code "object": "error"}, Ollama's
 * empty chunk without a model, and llama.cpp's {@code error:} line before its server refactor ({@link #errorField});
 * {@code error} is then the engine's message, one line, made safe and cut to {@value #MESSAGE_CHARS} characters.
 * {@code content} and {@code reasoningText} are the text it carried (the agent workload re-adds the answer to its
 * history).
 */
public record ChatChunk(Kind kind, boolean reasoning, long promptTokens, long completionTokens, String error,
        String content, String reasoningText) {
    public enum Kind { TOKENS, EMPTY, USAGE, OTHER, DONE, ERROR, MALFORMED }

    /** The longest an engine's message is kept. */
    public static final int MESSAGE_CHARS = 300;

    /**
     * What Ollama's OpenAI API makes of an error met mid-answer (middleware/openai.go: the {@code {"error": "..."}} the
     * handler streams is read as an empty api.ChatResponse and sent as a chunk with an empty model and content, and
     * the stream ends without [DONE]): its message is lost on the way.
     */
    public static final String OLLAMA_ERROR = "Ollama sent an empty chunk naming no model and ended the answer: its "
            + "OpenAI API's form of an error met mid-answer, whose message it does not pass on";

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ChatChunk of(String data) {
        if (data.strip().equals("[DONE]")) {
            return new ChatChunk(Kind.DONE, false, -1, -1, null, "", "");
        }
        JsonNode n;
        try {
            n = JSON.readTree(data);
        } catch (JsonProcessingException e) {
            return new ChatChunk(Kind.MALFORMED, false, -1, -1, "not JSON: " + SafeText.oneLine(
                    String.valueOf(e.getOriginalMessage())), "", "");
        }
        if (n == null || !n.isObject()) {
            return new ChatChunk(Kind.MALFORMED, false, -1, -1, "not a JSON object", "", "");
        }
        if (n.hasNonNull("error")) {
            return error(message(n.get("error")));
        }
        if ("error".equals(n.path("object").asText(null))) {
            return error(message(n));
        }
        JsonNode usage = n.get("usage");
        long prompt = usage != null && usage.isObject() ? count(usage.get("prompt_tokens")) : -1;
        long completion = usage != null && usage.isObject() ? count(usage.get("completion_tokens")) : -1;
        JsonNode choices = n.path("choices");
        boolean tokens = false;
        boolean reasoning = false;
        StringBuilder content = new StringBuilder();
        StringBuilder thought = new StringBuilder();
        for (JsonNode c : choices) {
            JsonNode d = c.has("delta") ? c.get("delta") : c; // completions stream "text" on the choice itself
            if (nonEmpty(d.get("content")) || nonEmpty(d.get("text"))) {
                tokens = true;
                content.append(d.path(d.has("content") ? "content" : "text").asText());
            }
            if (nonEmpty(d.get("reasoning_content")) || nonEmpty(d.get("reasoning"))) {
                tokens = true;
                reasoning = true;
                thought.append(d.path(nonEmpty(d.get("reasoning_content")) ? "reasoning_content" : "reasoning").asText());
            }
            if (d.has("tool_calls") && d.get("tool_calls").isArray() && d.get("tool_calls").size() > 0) {
                tokens = true;
            }
        }
        if (tokens) {
            return new ChatChunk(Kind.TOKENS, reasoning, prompt, completion, null, content.toString(), thought.toString());
        }
        if (choices.isArray() && choices.size() > 0) {
            return ollamaError(n) ? error(OLLAMA_ERROR)
                    : new ChatChunk(Kind.EMPTY, false, prompt, completion, null, "", "");
        }
        if (usage != null && usage.isObject()) {
            return new ChatChunk(Kind.USAGE, false, prompt, completion, null, "", "");
        }
        return new ChatChunk(Kind.OTHER, false, prompt, completion, null, "", "");
    }

    /**
     * The value of an SSE {@code error:} field, which llama.cpp's server wrote for an error mid-answer before its
     * HTTP refactor (examples/server/server.cpp, {@code server_sent_event(sink, "error", error_data)}: {@code error:
     * {"code":500,"message":"...","type":"server_error"}}).
     */
    public static ChatChunk errorField(String value) {
        try {
            JsonNode n = JSON.readTree(value);
            if (n != null && n.isObject()) {
                return error(message(n.has("error") ? n.get("error") : n));
            }
        } catch (JsonProcessingException e) {
            // not JSON: the text itself is the message
        }
        return error(value);
    }

    /** Whether the chunk has a non-empty {@code choices}: the chunks vLLM's bench serve times. */
    public boolean choices() {
        return kind == Kind.TOKENS || kind == Kind.EMPTY;
    }

    private static ChatChunk error(String message) {
        String one = SafeText.oneLine(message);
        if (one.isEmpty()) {
            one = "the server reported an error without a message";
        }
        if (one.length() > MESSAGE_CHARS) {
            one = one.substring(0, MESSAGE_CHARS - 3) + "...";
        }
        return new ChatChunk(Kind.ERROR, false, -1, -1, one, "", "");
    }

    /** The message of an error value: a string, or an object's message (else its type, else its code). */
    private static String message(JsonNode e) {
        if (e.isTextual()) {
            return e.asText();
        }
        if (e.isObject()) {
            for (String k : new String[] {"message", "type", "code"}) {
                if (e.hasNonNull(k) && !e.get(k).asText("").isEmpty()) {
                    return e.get(k).asText();
                }
            }
        }
        return e.toString();
    }

    /**
     * Ollama's error chunk (openai/openai.go toChunk of an empty api.ChatResponse): {@code system_fingerprint}
     * "fp_ollama", {@code model} empty where every other chunk names it, one choice with no text and no finish reason.
     */
    private static boolean ollamaError(JsonNode n) {
        if (!"fp_ollama".equals(n.path("system_fingerprint").asText(null)) || !n.has("model")
                || !n.get("model").asText("x").isEmpty()) {
            return false;
        }
        JsonNode choices = n.get("choices");
        JsonNode finish = choices.size() == 1 ? choices.get(0).get("finish_reason") : null;
        return choices.size() == 1 && (finish == null || finish.isNull());
    }

    /**
     * A usage count as given: -1 when absent or null; a whole number a long holds, as it is (its bounds are {@link
     * Usage}'s); anything else (negative, fractional, beyond a long such as 1e400 or 99999999999999999999999, a string)
     * {@link Usage#NOT_A_COUNT}, which {@link Usage} refuses. Never read through {@code asLong}, which saturates 1e400
     * to 9.2e18 and wraps the integer.
     */
    static long count(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return -1;
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() && v.longValue() >= 0 ? v.longValue() : Usage.NOT_A_COUNT;
        }
        if (v.isFloatingPointNumber()) {
            if (!v.isBigDecimal() && !Double.isFinite(v.doubleValue())) {
                return Usage.NOT_A_COUNT;
            }
            try {
                long n = v.decimalValue().stripTrailingZeros().longValueExact();
                return n >= 0 ? n : Usage.NOT_A_COUNT;
            } catch (ArithmeticException | NumberFormatException e) {
                return Usage.NOT_A_COUNT;
            }
        }
        return Usage.NOT_A_COUNT;
    }

    private static boolean nonEmpty(JsonNode v) {
        return v != null && v.isTextual() && !v.asText().isEmpty();
    }
}
