package autoglm.read.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each engine's error mid-answer, as its server writes it (testdata/streams/*.sse: the bytes each engine's source
 * writes, the source file named in the stream's own comment lines), read as the load client reads it: the chunks
 * before the error keep their kinds and the error is one {@link ChatChunk.Kind#ERROR} carrying the engine's message.
 * On the code before this, llama.cpp's {@code error:} line was dropped (the SSE format ignores the field: the answer
 * read as whole, or as incomplete) and Ollama's error chunk read as an empty frame (the answer read as incomplete).
 */
class EngineStreamShapesTest {
    private static List<ChatChunk> read(String file) throws Exception {
        String text = Files.readString(Fixtures.root().resolve("testdata/streams/" + file), StandardCharsets.UTF_8);
        SseReader r = new SseReader();
        List<ChatChunk> out = new ArrayList<>();
        for (SseReader.Event e : r.feed(text)) {
            out.add(e.errorField() ? ChatChunk.errorField(e.data()) : ChatChunk.of(e.data()));
        }
        assertTrue(r.comments() > 0, file + " names its source in comment lines");
        return out;
    }

    private static List<ChatChunk.Kind> kinds(List<ChatChunk> chunks) {
        return chunks.stream().map(ChatChunk::kind).toList();
    }

    private static void errorIs(List<ChatChunk> chunks, String message) {
        List<ChatChunk> errors = chunks.stream().filter(c -> c.kind() == ChatChunk.Kind.ERROR).toList();
        assertEquals(1, errors.size(), kinds(chunks).toString());
        assertEquals(message, errors.get(0).error());
    }

    @Test
    void vllmV1SendsAnErrorObjectThenDone() throws Exception {
        List<ChatChunk> c = read("vllm-error.sse");
        assertEquals(List.of(ChatChunk.Kind.EMPTY, ChatChunk.Kind.TOKENS, ChatChunk.Kind.ERROR, ChatChunk.Kind.DONE),
                kinds(c));
        assertTrue(c.get(0).choices(), "the role chunk has choices: vLLM's bench times TTFT at it");
        assertTrue(c.get(1).reasoning());
        errorIs(c, "CUDA error: an illegal memory access was encountered");
    }

    @Test
    void vllm08AndSglangSendTheErrorResponseInsideError() throws Exception {
        errorIs(read("vllm-0.8-error.sse"), "Sampled token IDs exceed the max model length");
        List<ChatChunk> sglang = read("sglang-error.sse");
        assertEquals(List.of(ChatChunk.Kind.EMPTY, ChatChunk.Kind.TOKENS, ChatChunk.Kind.ERROR, ChatChunk.Kind.DONE),
                kinds(sglang));
        errorIs(sglang, "Generation aborted.");
    }

    @Test
    void tgiSendsAnOpenAiErrorEventAndItsCompletionsRouteOnceAString() throws Exception {
        errorIs(read("tgi-error.sse"), "Request failed during generation: Server error: CUDA out of memory");
        errorIs(read("tgi-old-error.sse"), "Request failed during generation: Server error: CUDA out of memory");
    }

    @Test
    void llamaCppBeforeItsRefactorWritesAnErrorLineNotData() throws Exception {
        List<ChatChunk> c = read("llamacpp-old-error.sse");
        assertEquals(List.of(ChatChunk.Kind.EMPTY, ChatChunk.Kind.TOKENS, ChatChunk.Kind.ERROR, ChatChunk.Kind.DONE),
                kinds(c));
        errorIs(c, "Input prompt is too big compared to KV size. Please try increasing KV size.");
    }

    @Test
    void llamaCppNowWritesAnErrorObjectAndNoDone() throws Exception {
        List<ChatChunk> c = read("llamacpp-error.sse");
        assertEquals(List.of(ChatChunk.Kind.EMPTY, ChatChunk.Kind.TOKENS, ChatChunk.Kind.ERROR), kinds(c));
        errorIs(c, "Input prompt is too big compared to KV size. Please try increasing KV size.");
    }

    @Test
    void ollamaSendsAnEmptyChunkWithoutItsModelAndNoDone() throws Exception {
        List<ChatChunk> c = read("ollama-error.sse");
        assertEquals(List.of(ChatChunk.Kind.EMPTY, ChatChunk.Kind.TOKENS, ChatChunk.Kind.ERROR), kinds(c));
        errorIs(c, ChatChunk.OLLAMA_ERROR);
        List<ChatChunk> old = read("ollama-old-error.sse");
        assertEquals(List.of(ChatChunk.Kind.TOKENS, ChatChunk.Kind.ERROR), kinds(old));
        // the same chunk naming its model is an ordinary empty frame (Ollama's finish chunk, a role frame)
        assertEquals(ChatChunk.Kind.EMPTY, ChatChunk.of("{\"id\":\"chatcmpl-417\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1785283200,\"model\":\"glm-4.7-flash\",\"system_fingerprint\":\"fp_ollama\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":null}]}").kind());
        assertEquals(ChatChunk.Kind.EMPTY, ChatChunk.of("{\"id\":\"chatcmpl-417\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1785283200,\"model\":\"\",\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,"
                + "\"delta\":{},\"finish_reason\":\"stop\"}]}").kind(), "a finish reason is not the error chunk");
    }

    @Test
    void theEnginesMessageIsMadeSafeAndShort() {
        ChatChunk e = ChatChunk.of("{\"error\":{\"message\":\"bad \\u001b[31mred\\u001b[0m\\nsecond line\","
                + "\"code\":500}}");
        assertEquals(ChatChunk.Kind.ERROR, e.kind());
        assertFalse(e.error().contains("\u001b"), e.error());
        assertFalse(e.error().contains("second line"), "one line");
        ChatChunk longOne = ChatChunk.of("{\"error\":\"" + "x".repeat(5000) + "\"}");
        assertEquals(ChatChunk.MESSAGE_CHARS, longOne.error().length());
        assertEquals("server_error", ChatChunk.errorField("{\"code\":500,\"type\":\"server_error\"}").error(),
                "no message: its type");
        assertEquals("not json at all", ChatChunk.errorField("not json at all").error());
        assertEquals(ChatChunk.Kind.ERROR, ChatChunk.of("{\"object\":\"error\",\"message\":\"flat\",\"code\":400}")
                .kind(), "an ErrorResponse not wrapped in error");
        assertEquals(ChatChunk.Kind.OTHER, ChatChunk.of("{\"id\":\"x\",\"error\":null}").kind());
    }
}
