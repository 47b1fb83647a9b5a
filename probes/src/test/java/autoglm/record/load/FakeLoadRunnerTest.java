package autoglm.record.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.FakeOpenAi;
import autoglm.loopback.Recordings;
import autoglm.model.load.LoadRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * LoadRunner driving traffic at a fake engine on loopback ({@link FakeOpenAi}, the recorded vLLM and SGLang
 * streams; no torch): every request sent once with the body its source made and recorded with the recording's usage;
 * an abort while a stream is held records that request as interrupted at once.
 */
class FakeLoadRunnerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void closedLoopRequestsAreEachSentOnceAndRecorded() throws Exception {
        for (String engine : List.of("vllm", "sglang")) {
            try (FakeOpenAi fake = FakeOpenAi.start(engine)) {
                SyntheticRequests source = new SyntheticRequests("glm-tiny", true, 32, 0.0, 12, 0, 0, null, 7);
                LoadRunner runner = new LoadRunner(new StreamClient(Duration.ofSeconds(30), null),
                        URI.create(fake.url() + "/v1/chat/completions"));
                int count = 6;
                runner.runIndependent(source::get, count, Profile.parse("concurrent:2"), false, 7);
                List<LoadRequest> rows = runner.requests();
                assertEquals(count, rows.size(), engine);
                long tokens = Recordings.completionTokens(engine);
                for (LoadRequest r : rows) {
                    assertEquals(LoadRequest.OK, r.status(), engine + ": " + r.error());
                    assertEquals(tokens, r.completionTokens(), engine);
                    assertTrue(r.endMs() >= r.firstMs() && r.firstMs() >= r.sentMs(), engine);
                }
                Set<String> sent = new HashSet<>(fake.http().bodies());
                Set<String> made = new HashSet<>();
                for (int k = 0; k < count; k++) {
                    made.add(new String(source.get(k).body(), StandardCharsets.UTF_8));
                }
                assertEquals(count, fake.http().bodies().size(), engine + ": each sent once");
                assertEquals(made, sent, engine + ": the bodies the source made");
                for (String b : sent) {
                    JsonNode body = JSON.readTree(b);
                    assertEquals("glm-tiny", body.get("model").asText());
                    assertTrue(body.get("stream").asBoolean());
                }
            }
        }
    }

    @Test
    void anAbortRecordsTheHeldRequestAsInterrupted() throws Exception {
        try (FakeOpenAi fake = FakeOpenAi.start("vllm").holdAfter(2)) {
            LoadRunner runner = new LoadRunner(new StreamClient(Duration.ofSeconds(60), null),
                    URI.create(fake.url() + "/v1/chat/completions"));
            Prepared p = new SyntheticRequests("glm-tiny", true, 16, 0.0, 12, 0, 0, null, 1).get(0);
            CompletableFuture<Outcome> sent = CompletableFuture.supplyAsync(() -> runner.sendNow(p, false));
            long until = System.nanoTime() + 60_000_000_000L;
            while (fake.http().begun("/v1/chat/completions") < 1 && System.nanoTime() < until) {
                Thread.sleep(10); // a condition polled: the request has reached the server
            }
            assertEquals(1, fake.http().begun("/v1/chat/completions"), "the request reached the server");
            runner.abort();
            Outcome o = sent.join();
            assertEquals(LoadRequest.INTERRUPTED, o.status());
            assertEquals(1, runner.requests().size());
            assertEquals(LoadRequest.INTERRUPTED, runner.requests().get(0).status());
            assertEquals(0, fake.http().whole("/v1/chat/completions"), "its answer never ended");
        }
    }
}
