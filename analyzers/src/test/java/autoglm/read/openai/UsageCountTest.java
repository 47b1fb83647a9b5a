package autoglm.read.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import autoglm.model.load.LoadRequest;
import autoglm.model.load.Usage;
import org.junit.jupiter.api.Test;

/**
 * Issue 32, "Impossible figures accepted, exit 0, 'nothing lost'", its usage bullet: usage counts read through
 * asLong() made 1e400 9.2e18 tokens and wrapped 99999999999999999999999; completion_tokens 1,000,000 over 8 chunks
 * was believed (190 M tokens/s). The chunks are the JSON an engine streams; a count is believed when it is a whole
 * number from 0 to 10^9 and, for the completion, not above 64 tokens a text chunk and the chunks + 64 (the bound
 * docs/analyses.md states), else the request's output is its text chunks.
 */
class UsageCountTest {
    private static ChatChunk usage(String prompt, String completion) {
        return ChatChunk.of("{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt
                + ",\"completion_tokens\":" + completion + "}}");
    }

    /** A request of 8 text chunks (9 with the role chunk) whose usage is the chunk's. */
    private static LoadRequest request(ChatChunk c) {
        double[] chunks = {10, 20, 30, 40, 50, 60, 70, 80, 90};
        return new LoadRequest(0, 0, 0, false, 0, 0, 10, 20, Double.NaN, 90, c.promptTokens(), c.completionTokens(),
                c.completionTokens() < 0, -1, 0, 0, 100, "ok", 200, null, chunks, 8);
    }

    @Test
    void countsThatAreNotWholeNumbersWithinReasonAreRefused() {
        for (String bad : new String[] {"1e400", "99999999999999999999999", "-5", "12.5", "\"12\"", "true",
            "2000000000"}) {
            LoadRequest r = request(usage("100", bad));
            assertEquals(8, r.outputTokens(), bad); // the text chunks, not 9.2e18 or a wrapped count
            assertEquals(-1, r.completionTokens(), bad);
            assertEquals(-1, r.promptTokens(), bad); // the usage is refused whole: the prompt is estimated
            assertEquals(Usage.NOT_WHOLE, r.usageRefused(), bad);
        }
        LoadRequest prompt = request(usage("1e400", "8"));
        assertEquals(Usage.NOT_WHOLE, prompt.usageRefused());
        assertEquals(-1, prompt.promptTokens());
    }

    @Test
    void aCompletionTheChunksCouldNotCarryIsRefused() {
        // 8 text chunks carry at most max(64 x 8, 8 + 64) = 512 tokens by the stated bound
        LoadRequest million = request(usage("100", "1000000"));
        assertEquals(Usage.ABOVE_CHUNKS, million.usageRefused());
        assertEquals(8, million.outputTokens());
        assertEquals(Usage.ABOVE_CHUNKS, request(usage("100", "513")).usageRefused());
        LoadRequest most = request(usage("100", "512"));
        assertNull(most.usageRefused());
        assertEquals(512, most.outputTokens());
        assertEquals(100, most.promptTokens());
    }

    @Test
    void plainCountsAreKept() {
        LoadRequest r = request(usage("100", "12.0"));
        assertNull(r.usageRefused());
        assertEquals(12, r.outputTokens());
        LoadRequest none = request(usage("null", "null"));
        assertNull(none.usageRefused());
        assertEquals(8, none.outputTokens());
        assertEquals(-1, none.promptTokens());
    }
}
