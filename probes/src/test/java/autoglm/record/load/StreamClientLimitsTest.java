package autoglm.record.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.HttpBytes;
import autoglm.loopback.LoopbackHttp;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load client's limits on what one answer may make it hold (issue 32, "Memory without bound"; docs/load.md,
 * "Limits", "Streams"), on loopback: an SSE event whose data lines join to more than 1 Mi characters ends the request
 * as too-large; an answer's text past 65,536 characters is cut there (never inside a surrogate pair) and said so,
 * the request still ok with its chunks all timed. The limits are the documented numbers, not read from the code.
 */
class StreamClientLimitsTest {
    private static final int EVENT_CHARS = 1 << 20;
    private static final int TEXT_CHARS = 65_536;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private LoopbackHttp server;
    private URI uri;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackHttp.keepAlive((req, out) -> {
            byte[] body = answers.get(req.path().substring(1)).getBytes(StandardCharsets.UTF_8);
            try (OutputStream stream = HttpBytes.chunked(out, "text/event-stream")) {
                stream.write(body);
            }
        });
        uri = URI.create(server.url() + "/");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private Outcome send(String name, String stream) {
        answers.put(name, stream);
        return new StreamClient(Duration.ofSeconds(60), null).send(uri.resolve(name), "{}".getBytes(
                StandardCharsets.UTF_8)).join();
    }

    private static String text(String content) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"}}]}\n\n";
    }

    @Test
    void anEventOverTheLimitEndsTheRequestAsTooLarge() {
        String line = "data: " + "z".repeat(100_000) + "\n";
        String stream = text("a") + line.repeat(EVENT_CHARS / 100_000 + 1) + "\n" + text("b") + "data: [DONE]\n\n";
        Outcome o = send("event", stream);
        assertEquals("too-large", o.status(), o.error());
        assertTrue(o.error().contains("event"), o.error());
        assertEquals(1, o.chunkNs().size(), "the chunk before it");
    }

    @Test
    void textPastTheLimitIsCutAndSaidSoTheRequestStillOk() {
        StringBuilder stream = new StringBuilder();
        StringBuilder whole = new StringBuilder();
        // 65,535 characters, then an emoji (a surrogate pair) across the limit, then more
        String first = "a".repeat(TEXT_CHARS - 1);
        for (String piece : new String[] {first, "\ud83d\ude00", "bbbb"}) {
            stream.append(text(piece));
            whole.append(piece);
        }
        stream.append("data: [DONE]\n\n");
        Outcome o = send("text", stream.toString());
        assertEquals("ok", o.status(), o.error());
        assertTrue(o.textCut());
        assertEquals(TEXT_CHARS - 1, o.answer().length(), "the pair that would cross the limit is left out whole");
        assertTrue(o.answer().equals(first), "what was kept is the start of the text, nothing after the cut");
        assertEquals(3, o.chunkNs().size(), "every chunk timed");
        Outcome small = send("small", text("hello") + "data: [DONE]\n\n");
        assertFalse(small.textCut());
        assertEquals("hello", small.answer());
    }
}
