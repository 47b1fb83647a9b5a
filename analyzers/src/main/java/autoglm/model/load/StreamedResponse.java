package autoglm.model.load;

import java.util.List;

/**
 * One streamed request as the load client saw it: when it was sent (nanoseconds on the client's monotonic clock),
 * when each chunk carrying tokens arrived (in order; {@code thinking} marks the ones that carried reasoning), the
 * usage the server reported (-1 when it did not), and how it ended ({@code error} null when it ended well).
 */
public record StreamedResponse(long sentNs, List<Long> tokenChunkNs, List<Boolean> thinking, long promptTokens,
        long completionTokens, String error) {
    public StreamedResponse {
        tokenChunkNs = List.copyOf(tokenChunkNs);
        thinking = List.copyOf(thinking);
        if (tokenChunkNs.size() != thinking.size()) {
            throw new IllegalArgumentException("one thinking mark per token chunk");
        }
    }
}
