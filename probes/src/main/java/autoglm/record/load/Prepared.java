package autoglm.record.load;

/**
 * One request ready to send: its serialised body (images already base64-encoded, so encoding is not timed), where
 * it belongs (session and step, 0 for independent requests), the client's estimates of its prompt ({@link
 * PromptEstimate}) and, for replayed traffic, its send offset in milliseconds (NaN otherwise).
 */
public record Prepared(byte[] body, int session, int step, long promptTokensEst, long imageTokensEst,
        long repeatedPrefixTokens, double offsetMs) {
}
