package autoglm.record.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.FakeOpenAi;
import autoglm.loopback.Recordings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * StreamClient and Endpoint against each engine's recorded answers replayed on loopback ({@link FakeOpenAi}; no
 * torch, no Python): the whole stream read as ok, its text, its chunks (those with a non-empty {@code choices}: the
 * role chunk included), the chunks with text and the usage, each counted here from the recording by a reading of
 * its own (Jackson over the SSE events, not the client's parser); the first model of /v1/models likewise.
 */
class FakeEngineStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the recording holds, read from its events. */
    private record Expected(String text, int choiceChunks, int textChunks, long prompt, long completion) {
    }

    private static Expected expected(FakeOpenAi fake) throws Exception {
        StringBuilder text = new StringBuilder();
        int chunks = 0;
        int textChunks = 0;
        long prompt = -1;
        long completion = -1;
        for (String event : fake.events()) {
            String data = event.strip().substring("data:".length()).strip();
            if (data.equals("[DONE]")) {
                continue;
            }
            JsonNode c = JSON.readTree(data);
            JsonNode choices = c.path("choices");
            if (choices.size() > 0) {
                chunks++;
                JsonNode delta = choices.get(0).path("delta");
                String content = delta.path("content").isTextual() ? delta.path("content").asText() : "";
                String reasoning = delta.path("reasoning_content").isTextual()
                        ? delta.path("reasoning_content").asText() : "";
                text.append(content);
                if (!content.isEmpty() || !reasoning.isEmpty()) {
                    textChunks++;
                }
            }
            if (c.path("usage").isObject()) {
                prompt = c.get("usage").get("prompt_tokens").asLong();
                completion = c.get("usage").get("completion_tokens").asLong();
            }
        }
        return new Expected(text.toString(), chunks, textChunks, prompt, completion);
    }

    @Test
    void everyEnginesRecordedStreamIsReadWhole() throws Exception {
        for (String engine : Recordings.ENGINES) {
            try (FakeOpenAi fake = FakeOpenAi.start(engine)) {
                Expected e = expected(fake);
                assertTrue(e.completion() > 0 && !e.text().isEmpty(), engine + ": the recording has text and usage");
                Outcome o = new StreamClient(Duration.ofSeconds(30), null).send(
                        URI.create(fake.url() + "/v1/chat/completions"),
                        "{\"model\":\"glm-tiny\",\"stream\":true}".getBytes(StandardCharsets.UTF_8)).join();
                assertEquals("ok", o.status(), engine + ": " + o.error());
                assertEquals(200, o.httpStatus(), engine);
                assertEquals(e.text(), o.answer(), engine);
                assertEquals(e.choiceChunks(), o.chunkNs().size(), engine + ": chunks with choices");
                assertEquals(e.textChunks(), o.textChunks(), engine + ": chunks with text");
                assertEquals(e.prompt(), o.promptTokens(), engine);
                assertEquals(e.completion(), o.completionTokens(), engine);
                assertEquals(1, fake.http().whole("/v1/chat/completions"), engine);
            }
        }
    }

    @Test
    void theFirstModelIsTheRecordedListsFirst() throws Exception {
        for (String engine : Recordings.ENGINES) {
            try (FakeOpenAi fake = FakeOpenAi.start(engine)) {
                JsonNode models = JSON.readTree(Recordings.read(engine, "models").body());
                assertEquals(models.get("data").get(0).get("id").asText(),
                        Endpoint.firstModel(URI.create(fake.url())), engine);
            }
        }
    }
}
