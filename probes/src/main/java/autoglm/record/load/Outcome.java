package autoglm.record.load;

import java.util.List;

/**
 * What the client saw of one request (docs/analyses.md, "Request latency"): when it was sent and when each chunk with
 * a non-empty {@code choices} arrived (System.nanoTime; the chunks vLLM's bench serve times, the opening role chunk
 * included), the first of them that carried text (content, reasoning or a tool call; -1: none) and how many did, the
 * first that carried answer text, not reasoning (-1: none), the usage (-1: none), and how it ended: {@code status}
 * "ok" or an error kind (refused, timeout, reset, tls, http-CODE, malformed, server-error, incomplete), with one line
 * of detail; the reasoning and answer text it streamed (the agent workload re-adds them to its history).
 */
public record Outcome(long sentNs, List<Long> chunkNs, long firstTextNs, int textChunks, long answerNs,
        long promptTokens, long completionTokens, String status, int httpStatus, String error, String reasoning,
        String answer) {

    /** An outcome whose chunks all carried text (no opening role chunk). */
    public Outcome(long sentNs, List<Long> chunkNs, long answerNs, long promptTokens, long completionTokens,
            String status, int httpStatus, String error, String reasoning, String answer) {
        this(sentNs, chunkNs, chunkNs.isEmpty() ? -1 : chunkNs.get(0), chunkNs.size(), answerNs, promptTokens,
                completionTokens, status, httpStatus, error, reasoning, answer);
    }
}
