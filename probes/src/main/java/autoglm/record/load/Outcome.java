package autoglm.record.load;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * What the client saw of one request (docs/analyses.md, "Request latency"): when it was sent and when each chunk with
 * a non-empty {@code choices} arrived (System.nanoTime; the chunks vLLM's bench serve times, the opening role chunk
 * included), the first of them that carried text (content, reasoning or a tool call; -1: none) and how many did, the
 * first that carried answer text, not reasoning (-1: none), the usage (-1: none), and how it ended: {@code status}
 * "ok" or an error kind (refused, timeout, reset, tls, bad-headers, http-CODE, malformed, server-error, incomplete,
 * too-large), with one line of detail; the reasoning and answer text it streamed (the agent workload re-adds them to
 * its history), each at most {@link StreamClient#MAX_TEXT_CHARS} characters: {@code textCut} when either was longer
 * (docs/load.md#limits).
 */
public record Outcome(long sentNs, List<Long> chunkNs, long firstTextNs, int textChunks, long answerNs,
        long promptTokens, long completionTokens, String status, int httpStatus, String error, String reasoning,
        String answer, boolean textCut) {

    /**
     * A request a signal cut short ({@code LoadRequest.INTERRUPTED}): sent at {@code sentNs}, nothing of its answer
     * kept; it counts neither as the server's failure nor as a measurement.
     */
    public static Outcome interrupted(long sentNs) {
        return new Outcome(sentNs, List.of(), -1, 0, -1, -1, -1, autoglm.model.load.LoadRequest.INTERRUPTED, 0,
                "autoglm got a signal and stopped the load before this answer ended", "", "", false);
    }

    /** An outcome whose chunks all carried text (no opening role chunk). */
    public Outcome(long sentNs, List<Long> chunkNs, long answerNs, long promptTokens, long completionTokens,
            String status, int httpStatus, String error, String reasoning, String answer) {
        this(sentNs, chunkNs, chunkNs.isEmpty() ? -1 : chunkNs.get(0), chunkNs.size(), answerNs, promptTokens,
                completionTokens, status, httpStatus, error, reasoning, answer, false);
    }

    /** The first {@code n} times of {@code ns} as a list, unboxed: 8 bytes a chunk, not a Long object each. */
    static List<Long> times(long[] ns, int n) {
        return new Times(ns, n);
    }

    private static final class Times extends AbstractList<Long> implements RandomAccess {
        private final long[] ns;
        private final int n;

        Times(long[] ns, int n) {
            this.ns = ns;
            this.n = n;
        }

        @Override
        public Long get(int i) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException(i);
            }
            return ns[i];
        }

        @Override
        public int size() {
            return n;
        }
    }
}
