package autoglm.model.load;

/**
 * One request of a load run, as the client measured it (docs/formats.md, load run folder, requests.csv). Times are
 * milliseconds since the run's start on the client's monotonic clock, NaN where the request never got there.
 * {@code scheduledMs} is when the traffic profile meant to send it (open loop: the arrival; closed loop: when a
 * slot or the session was ready), {@code sentMs} when the client sent it: latency counts from the schedule, the
 * difference is the client's own wait. {@code chunkMs} are the arrival times of the chunks that carried tokens.
 * Token counts are -1 when unknown; {@code estimatedTokens} when the output count is the chunk count (no usage).
 * {@code status} is "ok" or the error's kind (docs/analyses.md, "Request latency").
 */
public record LoadRequest(int index, int session, int step, boolean warmup, double scheduledMs, double sentMs,
        double firstMs, double thinkingEndMs, double endMs, long promptTokens, long completionTokens,
        boolean estimatedTokens, long cachedTokens, long imageTokens, long repeatedPrefixTokens, long promptTokensEst,
        String status, int httpStatus, String error, double[] chunkMs) {

    public static final String OK = "ok";

    public boolean ok() {
        return OK.equals(status);
    }

    /** Output tokens: the server's count, else the token chunks. */
    public long outputTokens() {
        return completionTokens >= 0 ? completionTokens : chunkMs.length;
    }

    public double ttftMs() {
        return firstMs - scheduledMs;
    }

    public double e2elMs() {
        return endMs - scheduledMs;
    }

    public double clientWaitMs() {
        return sentMs - scheduledMs;
    }

    /** Until the first chunk that was not reasoning; NaN when the answer never left reasoning. */
    public double thinkingMs() {
        return thinkingEndMs - scheduledMs;
    }

    /** (E2EL - TTFT) / (output tokens - 1); NaN for one token or an error. */
    public double tpotMs() {
        long n = outputTokens();
        return ok() && n > 1 ? (endMs - firstMs) / (n - 1) : Double.NaN;
    }
}
