package autoglm.model.load;

/**
 * The bounds a server's {@code usage} counts must meet to be believed (docs/analyses.md, "Request latency": usage
 * counts). A count is a whole number from 0 to {@value #MAX_TOKENS}; the completion count must also be one the text
 * chunks seen could carry: a request whose {@code completion_tokens} is above {@value #MAX_TOKENS_PER_TEXT_CHUNK}
 * tokens a text chunk on average and above the text chunks plus {@value #TEXT_CHUNK_SLACK_TOKENS} is refused (vLLM
 * and SGLang send one chunk per token or per scheduling step; speculative decoding puts a few tokens in a chunk, never
 * dozens). A refused count is not used: the request's output is counted from its text chunks and its prompt from the
 * client's estimate, as when the server gives no usage, and the refusal is counted in the run's data loss.
 */
public final class Usage {
    /** The largest token count believed for one request. */
    public static final long MAX_TOKENS = 1_000_000_000L;
    /** The most tokens one text chunk is believed to carry on average. */
    public static final int MAX_TOKENS_PER_TEXT_CHUNK = 64;
    /** Tokens a completion count may exceed its text chunks by, whatever their number (a few final tokens unsent). */
    public static final int TEXT_CHUNK_SLACK_TOKENS = 64;
    /**
     * What {@link autoglm.read.openai.ChatChunk} makes of a count the server gave that is not a whole number a long can
     * hold, or negative (1e400, 99999999999999999999999, -5, 12.5, "12"): above {@link #MAX_TOKENS}, so it is refused.
     */
    public static final long NOT_A_COUNT = Long.MAX_VALUE;

    /** Why a count is refused: not a whole number from 0 to the maximum. */
    public static final String NOT_WHOLE = "a count not a whole number from 0 to 1,000,000,000 tokens";
    /** Why a completion count is refused: more than the text chunks could carry. */
    public static final String ABOVE_CHUNKS = "completion_tokens above what its text chunks could carry (over "
            + MAX_TOKENS_PER_TEXT_CHUNK + " a chunk and over the chunks + " + TEXT_CHUNK_SLACK_TOKENS + ")";

    private Usage() {
    }

    /** Whether a count the server gave (-1: none given) is believed on its own. */
    public static boolean valid(long count) {
        return count >= 0 && count <= MAX_TOKENS;
    }

    /** Whether a completion count is above what {@code textChunks} text chunks could carry. */
    public static boolean aboveChunks(long completion, int textChunks) {
        return completion > (long) MAX_TOKENS_PER_TEXT_CHUNK * Math.max(0, textChunks)
                && completion > Math.max(0, textChunks) + (long) TEXT_CHUNK_SLACK_TOKENS;
    }

    /**
     * Why the usage of a request is refused ({@link #NOT_WHOLE} or {@link #ABOVE_CHUNKS}), or null when what was given
     * is believed (or nothing was given: -1).
     */
    public static String refusal(long prompt, long completion, int textChunks) {
        if (prompt != -1 && !valid(prompt) || completion != -1 && !valid(completion)) {
            return NOT_WHOLE;
        }
        if (completion >= 0 && aboveChunks(completion, textChunks)) {
            return ABOVE_CHUNKS;
        }
        return null;
    }

    /** The prompt count used: the server's, or -1 (unknown) when it is refused. */
    public static long prompt(long prompt, long completion, int textChunks) {
        return refusal(prompt, completion, textChunks) != null || !valid(prompt) ? -1 : prompt;
    }

    /** The completion count used: the server's, or -1 (the text chunks count) when it is refused. */
    public static long completion(long prompt, long completion, int textChunks) {
        return refusal(prompt, completion, textChunks) != null || !valid(completion) ? -1 : completion;
    }
}
