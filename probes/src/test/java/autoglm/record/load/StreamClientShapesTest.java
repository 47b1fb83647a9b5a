package autoglm.record.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.loopback.HttpBytes;
import autoglm.loopback.LoopbackHttp;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load client on the bytes each engine writes (testdata/streams/*.sse, each naming its engine's source), served
 * on loopback one event at a time: an engine's error mid-answer ends the request as {@code server-error} with the
 * engine's message, whatever the shape (vLLM, SGLang, TGI, llama.cpp before and after its refactor, Ollama), and the
 * chunks are those vLLM's bench serve times: the role chunk first, the text chunks after it. On the code before
 * this, llama.cpp's old error line left the request "ok" and Ollama's "incomplete".
 */
class StreamClientShapesTest {
    private LoopbackHttp server;
    private URI uri;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackHttp.keepAlive((req, out) -> {
            byte[] body = Files.readAllBytes(Fixtures.root().resolve("testdata/streams/" + req.path().substring(1)));
            // chunked: each event flushed as a server streams it
            try (OutputStream events = HttpBytes.chunked(out, "text/event-stream")) {
                for (String event : new String(body, StandardCharsets.UTF_8).split("(?<=\n\n)")) {
                    events.write(event.getBytes(StandardCharsets.UTF_8));
                    events.flush();
                }
            }
        });
        uri = URI.create(server.url() + "/");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private Outcome send(String file) {
        return new StreamClient(Duration.ofSeconds(30), null).send(uri.resolve(file), "{}".getBytes(
                StandardCharsets.UTF_8)).join();
    }

    @Test
    void everyEnginesErrorMidAnswerIsAServerError() {
        String kv = "Input prompt is too big compared to KV size. Please try increasing KV size.";
        String oom = "Request failed during generation: Server error: CUDA out of memory";
        List<String[]> cases = List.of(
                new String[] {"vllm-error.sse", "CUDA error: an illegal memory access was encountered"},
                new String[] {"vllm-0.8-error.sse", "Sampled token IDs exceed the max model length"},
                new String[] {"sglang-error.sse", "Generation aborted."},
                new String[] {"tgi-error.sse", oom},
                new String[] {"tgi-old-error.sse", oom},
                new String[] {"llamacpp-old-error.sse", kv},
                new String[] {"llamacpp-error.sse", kv},
                new String[] {"ollama-error.sse", autoglm.read.openai.ChatChunk.OLLAMA_ERROR},
                new String[] {"ollama-old-error.sse", autoglm.read.openai.ChatChunk.OLLAMA_ERROR});
        for (String[] c : cases) {
            Outcome o = send(c[0]);
            assertEquals("server-error", o.status(), c[0] + ": " + o.error());
            assertEquals(c[1], o.error(), c[0]);
            assertEquals(200, o.httpStatus(), c[0]);
        }
    }

    @Test
    void theRoleChunkIsTimedFirstAndTheTextAfterIt() {
        Outcome o = send("vllm-error.sse");
        assertEquals(2, o.chunkNs().size(), "the role chunk and the reasoning chunk: both have choices");
        assertEquals(1, o.textChunks());
        assertEquals(o.chunkNs().get(1), o.firstTextNs(), "time to first text: the second chunk");
        assertTrue(o.chunkNs().get(0) <= o.firstTextNs());
        Outcome llama = send("llamacpp-old-error.sse");
        assertEquals(2, llama.chunkNs().size());
        Outcome ollama = send("ollama-old-error.sse");
        assertEquals(List.of(ollama.answerNs()), ollama.chunkNs(), "its error chunk is not timed as a chunk");
    }
}
