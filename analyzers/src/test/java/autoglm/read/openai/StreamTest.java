package autoglm.read.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.analyse.workload.RequestLatency;
import autoglm.model.load.StreamedResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The server-sent-event reader and the chunk classification on a stream shaped as vLLM streams a reasoning model
 * with {@code stream_options.include_usage}: the empty opening frame, both reasoning fields, content, the usage chunk
 * and [DONE], with CRLF line ends and a keep-alive comment; fed whole, one character at a time, and cut at random.
 */
class StreamTest {
    private static final String STREAM = String.join("",
            ": keep-alive\r\n\r\n",
            "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\r\n\r\n",
            "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"Let me\"}}]}\r\n\r\n",
            "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\" look\"}}]}\r\n\r\n",
            "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"do(action=\\\"Tap\\\")\"}}]}\r\n\r\n",
            "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\r\n\r\n",
            "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3307,\"completion_tokens\":3,",
            "\"total_tokens\":3310}}\r\n\r\n",
            "data: [DONE]\r\n\r\n");

    private static final List<ChatChunk.Kind> KINDS = List.of(ChatChunk.Kind.EMPTY, ChatChunk.Kind.TOKENS,
            ChatChunk.Kind.TOKENS, ChatChunk.Kind.TOKENS, ChatChunk.Kind.EMPTY, ChatChunk.Kind.USAGE, ChatChunk.Kind.DONE);

    private static List<SseReader.Event> feed(List<String> pieces) {
        SseReader r = new SseReader();
        List<SseReader.Event> out = new ArrayList<>();
        for (String p : pieces) {
            out.addAll(r.feed(p));
        }
        out.addAll(r.finish());
        return out;
    }

    @Test
    void chunksAreClassifiedAsTheLoadClientCountsThem() {
        List<SseReader.Event> events = feed(List.of(STREAM));
        assertEquals(KINDS.size(), events.size());
        List<ChatChunk> chunks = events.stream().map(e -> ChatChunk.of(e.data())).toList();
        assertEquals(KINDS, chunks.stream().map(ChatChunk::kind).toList());
        assertTrue(chunks.get(1).reasoning(), "reasoning_content");
        assertTrue(chunks.get(2).reasoning(), "reasoning");
        assertFalse(chunks.get(3).reasoning(), "the answer");
        assertEquals(3, chunks.get(5).completionTokens());
        assertEquals(3307, chunks.get(5).promptTokens());
    }

    @Test
    void piecesCutAnywhereGiveTheSameEvents() {
        List<SseReader.Event> whole = feed(List.of(STREAM));
        List<String> single = new ArrayList<>();
        for (char c : STREAM.toCharArray()) {
            single.add(String.valueOf(c));
        }
        assertEquals(whole, feed(single), "one character at a time, CRLF split between pieces");
        Random r = new Random(15);
        for (int k = 0; k < 500; k++) {
            List<String> pieces = new ArrayList<>();
            int at = 0;
            while (at < STREAM.length()) {
                int len = 1 + r.nextInt(40);
                pieces.add(STREAM.substring(at, Math.min(STREAM.length(), at + len)));
                at += len;
            }
            assertEquals(whole, feed(pieces));
        }
    }

    @Test
    void wholeLinesAsAnHttpClientSplitsThemGiveTheSameEvents() {
        // split at LF as the JDK client's line subscriber does: CRLF lines keep their CR, which feedLine hands on
        List<SseReader.Event> whole = feed(List.of(STREAM));
        SseReader r = new SseReader();
        List<SseReader.Event> byLine = new ArrayList<>();
        for (String line : STREAM.split("\n", -1)) {
            byLine.addAll(r.feedLine(line));
        }
        assertEquals(whole, byLine);
    }

    @Test
    void lineEndsCommentsMultiLineDataAndUnfinishedEvents() {
        SseReader r = new SseReader();
        List<SseReader.Event> ev = r.feed("event: update\rdata: a\ndata:b\r\n\n: ping\n\ndata: cut");
        assertEquals(List.of(new SseReader.Event("update", "a\nb")), ev);
        assertEquals(1, r.comments());
        assertEquals(List.of(), r.finish(), "an event without its blank line is dropped");
    }

    @Test
    void errorsAndGarbageAreKindsNotExceptions() {
        ChatChunk e = ChatChunk.of("{\"error\":{\"message\":\"max_tokens is too large\",\"code\":400}}");
        assertEquals(ChatChunk.Kind.ERROR, e.kind());
        assertEquals("max_tokens is too large", e.error());
        assertEquals(ChatChunk.Kind.MALFORMED, ChatChunk.of("{\"choices\": [").kind());
        assertEquals(ChatChunk.Kind.MALFORMED, ChatChunk.of("[1, 2]").kind());
        assertEquals(ChatChunk.Kind.TOKENS, ChatChunk.of(
                "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"tap\"}}]}}]}").kind());
        assertEquals(ChatChunk.Kind.TOKENS, ChatChunk.of("{\"choices\":[{\"text\":\"hi\",\"index\":0}]}").kind(),
                "the completions API");
    }

    @Test
    void latencyAsVllmBenchServeDefinesIt() {
        long sent = 1_000_000_000L;
        // chunks with choices at +150 ms (the role chunk), +200 ms (reasoning), +250 ms (reasoning), +400 ms, +460 ms
        // (answer), +470 ms (finish_reason only); usage says 5 tokens. vLLM's bench serve
        // (vllm/benchmarks/lib/endpoint_request_func.py): TTFT at the first chunk with choices, ITL between every two,
        // latency at the last
        List<Long> at = List.of(sent + 150_000_000L, sent + 200_000_000L, sent + 250_000_000L, sent + 400_000_000L,
                sent + 460_000_000L, sent + 470_000_000L);
        List<Boolean> text = List.of(false, true, true, true, true, false);
        RequestLatency l = RequestLatency.of(new StreamedResponse(sent, at, text,
                List.of(false, true, true, false, false, false), 100, 5, null));
        assertEquals(150, l.ttftMs(), 1e-9, "the role chunk");
        assertEquals(200, l.firstTextMs(), 1e-9, "time to first text");
        assertEquals(470, l.e2elMs(), 1e-9);
        assertEquals((470.0 - 150.0) / (5 - 1), l.tpotMs(), 1e-9);
        assertEquals(List.of(50.0, 50.0, 150.0, 60.0, 10.0), java.util.Arrays.stream(l.itlMs()).boxed().toList(),
                "from the chunk after the first, as vLLM's bench appends them");
        assertEquals(400, l.thinkingMs(), 1e-9, "until the answer starts");
        assertEquals(5, l.outputTokens());
        assertFalse(l.estimatedTokens());
        RequestLatency noUsage = RequestLatency.of(new StreamedResponse(sent, at, text,
                List.of(false, false, false, false, false, false), -1, -1, null));
        assertEquals(4, noUsage.outputTokens(), "the chunks that carried text, when the server gave no usage");
        assertTrue(noUsage.estimatedTokens());
        assertEquals(200, noUsage.thinkingMs(), 1e-9, "no reasoning: the answer starts with the first text");
        assertEquals((470.0 - 150.0) / 3, noUsage.tpotMs(), 1e-9);
        RequestLatency none = RequestLatency.of(new StreamedResponse(sent, List.of(), List.of(), List.of(), -1, -1,
                "reset"));
        assertTrue(Double.isNaN(none.ttftMs()));
    }

    @Test
    void theRoleChunkAndTheFinishChunkHaveChoicesTheUsageChunkHasNone() {
        List<ChatChunk> chunks = feed(List.of(STREAM)).stream().map(e -> ChatChunk.of(e.data())).toList();
        assertEquals(List.of(true, true, true, true, true, false, false),
                chunks.stream().map(ChatChunk::choices).toList());
        assertEquals(ChatChunk.Kind.OTHER, ChatChunk.of("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\"}").kind(),
                "neither choices nor usage: skipped, as vLLM's bench skips it");
    }
}
