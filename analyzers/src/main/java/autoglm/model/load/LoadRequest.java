package autoglm.model.load;

/**
 * One request of a load run, as the client measured it (docs/formats.md, load run folder, requests.csv). Times are
 * milliseconds since the run's start on the client's monotonic clock, NaN where the request never got there.
 * {@code scheduledMs} is when the traffic profile meant to send it (open loop: the arrival; closed loop: when a
 * slot or the session was ready), {@code sentMs} when the client sent it: latency counts from the schedule, the
 * difference is the client's own wait. {@code chunkMs} are the arrival times of the chunks with a non-empty
 * {@code choices}, the chunks vLLM's bench serve times (the opening role chunk included): {@code firstMs} is the
 * first of them (TTFT), {@code endMs} the last (E2EL). {@code firstTextMs} is the first chunk that carried text
 * (content, reasoning or a tool call: "time to first text"), {@code textChunks} how many did, {@code thinkingEndMs}
 * the first that carried answer text rather than reasoning. Token counts are -1 when unknown; {@code estimatedTokens}
 * when the output count is the text chunks' (no usage). {@code status} is "ok" or the error's kind (docs/analyses.md,
 * "Request latency"). A run recorded before autoglm timed chunks as vLLM's bench does has only its text chunks in
 * {@code chunkMs} ({@code firstTextMs} = {@code firstMs}, {@code textChunks} = their count): read back, its TTFT is
 * its time to first text, as measured then (docs/formats.md). {@code usageRefused} is why the server's usage was not
 * believed ({@link Usage}), null when it was (or none was given): the counts are then -1 and the output is the text
 * chunks'.
 */
public record LoadRequest(int index, int session, int step, boolean warmup, double scheduledMs, double sentMs,
        double firstMs, double firstTextMs, double thinkingEndMs, double endMs, long promptTokens,
        long completionTokens, boolean estimatedTokens, long cachedTokens, long imageTokens, long repeatedPrefixTokens,
        long promptTokensEst, String status, int httpStatus, String error, double[] chunkMs, int textChunks,
        String usageRefused) {

    public static final String OK = "ok";
    /** A request a signal cut short (load got SIGINT or SIGTERM): neither the server's failure nor a measurement. */
    public static final String INTERRUPTED = "interrupted";

    /**
     * A request with the usage as the server gave it (-1: not given): a usage {@link Usage} refuses is not used (the
     * counts -1, the output estimated from the text chunks) and its reason kept in {@code usageRefused}.
     */
    public LoadRequest(int index, int session, int step, boolean warmup, double scheduledMs, double sentMs,
            double firstMs, double firstTextMs, double thinkingEndMs, double endMs, long promptTokens,
            long completionTokens, boolean estimatedTokens, long cachedTokens, long imageTokens,
            long repeatedPrefixTokens, long promptTokensEst, String status, int httpStatus, String error,
            double[] chunkMs, int textChunks) {
        this(index, session, step, warmup, scheduledMs, sentMs, firstMs, firstTextMs, thinkingEndMs, endMs,
                Usage.prompt(promptTokens, completionTokens, textChunks),
                Usage.completion(promptTokens, completionTokens, textChunks),
                estimatedTokens || Usage.completion(promptTokens, completionTokens, textChunks) < 0, cachedTokens,
                imageTokens, repeatedPrefixTokens, promptTokensEst, status, httpStatus, error, chunkMs, textChunks,
                Usage.refusal(promptTokens, completionTokens, textChunks));
    }

    /** A request whose chunks all carried text (a run recorded before the role chunk was timed). */
    public LoadRequest(int index, int session, int step, boolean warmup, double scheduledMs, double sentMs,
            double firstMs, double thinkingEndMs, double endMs, long promptTokens, long completionTokens,
            boolean estimatedTokens, long cachedTokens, long imageTokens, long repeatedPrefixTokens,
            long promptTokensEst, String status, int httpStatus, String error, double[] chunkMs) {
        this(index, session, step, warmup, scheduledMs, sentMs, firstMs, firstMs, thinkingEndMs, endMs, promptTokens,
                completionTokens, estimatedTokens, cachedTokens, imageTokens, repeatedPrefixTokens, promptTokensEst,
                status, httpStatus, error, chunkMs, chunkMs.length);
    }

    /** The same request with its usage refused for {@code why} (read back from requests.csv's usage_refused). */
    public LoadRequest withUsageRefused(String why) {
        return why == null || why.isEmpty() ? this : new LoadRequest(index, session, step, warmup, scheduledMs, sentMs,
                firstMs, firstTextMs, thinkingEndMs, endMs, -1, -1, true, cachedTokens, imageTokens,
                repeatedPrefixTokens, promptTokensEst, status, httpStatus, error, chunkMs, textChunks, why);
    }

    public boolean ok() {
        return OK.equals(status);
    }

    public boolean interrupted() {
        return INTERRUPTED.equals(status);
    }

    /** Output tokens: the server's count, else the chunks that carried text. */
    public long outputTokens() {
        return completionTokens >= 0 ? completionTokens : textChunks;
    }

    /** To the first chunk with a non-empty {@code choices}, as vLLM's bench serve times it. */
    public double ttftMs() {
        return firstMs - scheduledMs;
    }

    /** To the first chunk that carried text: later than TTFT by what the server sent before (its role chunk). */
    public double firstTextLatencyMs() {
        return firstTextMs - scheduledMs;
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
