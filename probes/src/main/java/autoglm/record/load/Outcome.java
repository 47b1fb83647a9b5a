package autoglm.record.load;

import java.util.List;

/**
 * What the client saw of one request: when it was sent and each token chunk arrived (System.nanoTime), the first
 * chunk that was not reasoning (-1: none), the usage (-1: none), and how it ended: {@code status} "ok" or an error
 * kind (refused, timeout, reset, tls, http-CODE, malformed, server-error, incomplete), with one line of detail; the reasoning and
 * answer text it streamed (the agent workload re-adds them to its history).
 */
public record Outcome(long sentNs, List<Long> chunkNs, long answerNs, long promptTokens, long completionTokens,
        String status, int httpStatus, String error, String reasoning, String answer) {
}
