package autoglm.read.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What one streamed chunk of /v1/chat/completions (or /v1/completions) carries, as the load client classifies it
 * (docs/analyses.md, "Request latency"): {@link Kind#TOKENS} when a choice carries content, reasoning ({@code
 * reasoning_content} or {@code reasoning}) or a tool call; {@link Kind#EMPTY} for a frame with none (the opening
 * frame that only names the role); {@link Kind#USAGE} for the usage chunk ({@code choices} empty, {@code usage}
 * given), which neither ends the answer nor is skipped; {@link Kind#DONE} for {@code [DONE]}; {@link Kind#ERROR} for
 * an error object; {@link Kind#MALFORMED} for data that is not JSON. {@code content} and {@code reasoningText} are the
 * text it carried (the agent workload re-adds the answer to its history).
 */
public record ChatChunk(Kind kind, boolean reasoning, long promptTokens, long completionTokens, String error,
        String content, String reasoningText) {
    public enum Kind { TOKENS, EMPTY, USAGE, DONE, ERROR, MALFORMED }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ChatChunk of(String data) {
        if (data.strip().equals("[DONE]")) {
            return new ChatChunk(Kind.DONE, false, -1, -1, null, "", "");
        }
        JsonNode n;
        try {
            n = JSON.readTree(data);
        } catch (JsonProcessingException e) {
            return new ChatChunk(Kind.MALFORMED, false, -1, -1, "not JSON: " + autoglm.util.SafeText.oneLine(
                    String.valueOf(e.getOriginalMessage())), "", "");
        }
        if (n == null || !n.isObject()) {
            return new ChatChunk(Kind.MALFORMED, false, -1, -1, "not a JSON object", "", "");
        }
        if (n.has("error")) {
            JsonNode e = n.get("error");
            String msg = e.isObject() ? e.path("message").asText("") : e.asText("");
            return new ChatChunk(Kind.ERROR, false, -1, -1, autoglm.util.SafeText.oneLine(msg), "", "");
        }
        JsonNode usage = n.get("usage");
        long prompt = usage != null && usage.isObject() ? usage.path("prompt_tokens").asLong(-1) : -1;
        long completion = usage != null && usage.isObject() ? usage.path("completion_tokens").asLong(-1) : -1;
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
        if (choices.size() == 0 && usage != null && usage.isObject()) {
            return new ChatChunk(Kind.USAGE, false, prompt, completion, null, "", "");
        }
        return new ChatChunk(Kind.EMPTY, false, prompt, completion, null, "", "");
    }

    private static boolean nonEmpty(JsonNode v) {
        return v != null && v.isTextual() && !v.asText().isEmpty();
    }
}
