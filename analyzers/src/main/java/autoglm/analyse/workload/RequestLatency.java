package autoglm.analyse.workload;

import autoglm.model.load.StreamedResponse;

/**
 * The latency of one streamed request, as vLLM's {@code bench serve} defines it (docs/analyses.md, "Request
 * latency"; vllm/benchmarks/lib/endpoint_request_func.py, async_request_openai_chat_completions): TTFT from the send
 * to the first chunk with a non-empty {@code choices}, the opening role chunk included; E2EL from the send to the last
 * such chunk; ITL the gaps between consecutive such chunks; output tokens from the server's usage, else the count of
 * chunks that carried text (then {@code estimatedTokens}); TPOT = (E2EL - TTFT) / (output tokens - 1), NaN for one
 * token. Beside them, autoglm's own: time to first text, from the send to the first chunk that carried text
 * (content, reasoning or a tool call), and thinking time, to the first that carried answer text rather than reasoning
 * (NaN when the answer never left reasoning). All in milliseconds; NaN where a request has no chunk.
 */
public record RequestLatency(double ttftMs, double firstTextMs, double e2elMs, double tpotMs, double[] itlMs,
        double thinkingMs, long outputTokens, boolean estimatedTokens) {

    public static RequestLatency of(StreamedResponse r) {
        int n = r.chunkNs().size();
        long texts = r.text().stream().filter(t -> t).count();
        boolean estimated = r.completionTokens() < 0;
        long tokens = estimated ? texts : r.completionTokens();
        if (n == 0) {
            return new RequestLatency(Double.NaN, Double.NaN, Double.NaN, Double.NaN, new double[0], Double.NaN,
                    Math.max(0, tokens), estimated);
        }
        double ttft = ms(r.chunkNs().get(0) - r.sentNs());
        double e2el = ms(r.chunkNs().get(n - 1) - r.sentNs());
        double tpot = tokens > 1 ? (e2el - ttft) / (tokens - 1) : Double.NaN;
        double[] itl = new double[n - 1];
        for (int i = 1; i < n; i++) {
            itl[i - 1] = ms(r.chunkNs().get(i) - r.chunkNs().get(i - 1));
        }
        double firstText = Double.NaN;
        double thinking = Double.NaN;
        for (int i = 0; i < n; i++) {
            if (r.text().get(i) && Double.isNaN(firstText)) {
                firstText = ms(r.chunkNs().get(i) - r.sentNs());
            }
            if (r.text().get(i) && !r.thinking().get(i)) {
                thinking = ms(r.chunkNs().get(i) - r.sentNs());
                break;
            }
        }
        return new RequestLatency(ttft, firstText, e2el, tpot, itl, thinking, tokens, estimated);
    }

    private static double ms(long ns) {
        return ns / 1e6;
    }
}
