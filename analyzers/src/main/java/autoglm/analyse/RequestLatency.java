package autoglm.analyse;

import autoglm.model.load.StreamedResponse;

/**
 * The latency of one streamed request, as vLLM's {@code bench serve} defines it (docs/analyses.md, "Request
 * latency"): TTFT from the send to the first chunk that carries tokens (content, reasoning or a tool call); E2EL from
 * the send to the last such chunk; output tokens from the server's usage, else the count of token chunks (then
 * {@code estimatedTokens}); TPOT = (E2EL - TTFT) / (output tokens - 1), NaN for one token; ITL the gaps between
 * consecutive token chunks; thinking time from the send to the first token chunk that is not reasoning (NaN when the
 * answer never left reasoning). All in milliseconds; NaN where a request has no token chunk.
 */
public record RequestLatency(double ttftMs, double e2elMs, double tpotMs, double[] itlMs, double thinkingMs,
        long outputTokens, boolean estimatedTokens) {

    public static RequestLatency of(StreamedResponse r) {
        int n = r.tokenChunkNs().size();
        if (n == 0) {
            return new RequestLatency(Double.NaN, Double.NaN, Double.NaN, new double[0], Double.NaN,
                    Math.max(0, r.completionTokens()), r.completionTokens() < 0);
        }
        double ttft = ms(r.tokenChunkNs().get(0) - r.sentNs());
        double e2el = ms(r.tokenChunkNs().get(n - 1) - r.sentNs());
        boolean estimated = r.completionTokens() < 0;
        long tokens = estimated ? n : r.completionTokens();
        double tpot = tokens > 1 ? (e2el - ttft) / (tokens - 1) : Double.NaN;
        double[] itl = new double[n - 1];
        for (int i = 1; i < n; i++) {
            itl[i - 1] = ms(r.tokenChunkNs().get(i) - r.tokenChunkNs().get(i - 1));
        }
        double thinking = Double.NaN;
        for (int i = 0; i < n; i++) {
            if (!r.thinking().get(i)) {
                thinking = ms(r.tokenChunkNs().get(i) - r.sentNs());
                break;
            }
        }
        return new RequestLatency(ttft, e2el, tpot, itl, thinking, tokens, estimated);
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }
}
