package autoglm.model.load;

import java.util.List;

/**
 * One streamed request as the load client saw it: when it was sent (nanoseconds on the client's monotonic clock),
 * when each chunk with a non-empty {@code choices} arrived (in order, the opening role chunk included), which of them
 * carried text ({@code text}: content, reasoning or a tool call) and which reasoning ({@code thinking}), the usage the
 * server reported (-1 when it did not), and how it ended ({@code error} null when it ended well).
 */
public record StreamedResponse(long sentNs, List<Long> chunkNs, List<Boolean> text, List<Boolean> thinking,
        long promptTokens, long completionTokens, String error) {
    public StreamedResponse {
        chunkNs = List.copyOf(chunkNs);
        text = List.copyOf(text);
        thinking = List.copyOf(thinking);
        if (chunkNs.size() != thinking.size() || chunkNs.size() != text.size()) {
            throw new IllegalArgumentException("one text and one thinking mark per chunk");
        }
    }
}
