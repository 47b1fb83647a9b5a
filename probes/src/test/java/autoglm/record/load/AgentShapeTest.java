package autoglm.record.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent workload's requests against Open-AutoGLM's own (testdata/expected/agent-shape.json, made by
 * tools/agent_shape.py from the reference copy of its client and its real sample request): the first request has
 * the sample's structure; every request carries exactly one image, in the last user message; earlier user messages
 * keep their text only; answers come back as {@code <think>...</think><answer>...</answer>}; the sampling fields are
 * its client's.
 */
class AgentShapeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode expected() throws Exception {
        return JSON.readTree(Fixtures.root().resolve("testdata/expected/agent-shape.json").toFile());
    }

    private static JsonNode shape(JsonNode messages) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode m : messages) {
            ObjectNode o = out.addObject();
            o.put("role", m.get("role").asText());
            if (m.get("content").isTextual()) {
                o.put("content", "text");
                continue;
            }
            ArrayNode parts = o.putArray("content");
            for (JsonNode p : m.get("content")) {
                ObjectNode q = parts.addObject();
                q.put("type", p.get("type").asText());
                if (p.get("type").asText().equals("image_url")) {
                    String url = p.get("image_url").get("url").asText();
                    int comma = url.indexOf(',');
                    q.put("url_prefix", url.substring(0, comma + 1));
                    byte[] head = Base64.getDecoder().decode(url.substring(comma + 1, comma + 1 + 32));
                    q.put("png_signature", head[0] == (byte) 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G');
                }
            }
        }
        return out;
    }

    private static Outcome answer(String thinking, String action) {
        return new Outcome(0, List.of(1L), 1, 10, 5, "ok", 200, null, thinking, action);
    }

    @Test
    void theFirstRequestHasTheStructureOfOpenAutoglmsRealOne() throws Exception {
        JsonNode want = expected();
        AgentSession s = new AgentSession(1, "autoglm-phone-9b", 108, 240, null, 7, LocalDate.of(2026, 11, 28), true,
                1000, 4000);
        JsonNode body = JSON.readTree(s.next(null, null).body());
        assertEquals(want.get("messages"), shape(body.get("messages")));
        String system = body.get("messages").get(0).get("content").asText();
        assertEquals("The current date: 2026-11-28, Saturday", system.substring(0, system.indexOf('\n')));
        assertTrue(system.startsWith(want.get("system_first_line_prefix").asText()));
        assertEquals(want.get("system_prompt_body").asText(), system.substring(system.indexOf('\n') + 1));
        JsonNode sampling = want.get("sampling");
        sampling.fieldNames().forEachRemaining(f -> assertEquals(sampling.get(f).asDouble(), body.get(f).asDouble(), f));
        assertEquals(want.get("stream").asBoolean(), body.get("stream").asBoolean());
        assertEquals("autoglm-phone-9b", body.get("model").asText());
    }

    @Test
    void laterStepsKeepTheTextDropEarlierImagesAndReAddTheAnswer() throws Exception {
        AgentSession s = new AgentSession(2, "m", 56, 112, null, 7, LocalDate.of(2026, 11, 28), true, 1000, 4000);
        s.next(null, null);
        s.next(answer("look at the screen", "do(action=\"Tap\", element=[1,2])"), null);
        JsonNode msgs = JSON.readTree(s.next(answer("again", "finish(message=\"done\")"), null).body())
                .get("messages");
        List<String> roles = new java.util.ArrayList<>();
        msgs.forEach(m -> roles.add(m.get("role").asText()));
        assertEquals(List.of("system", "user", "assistant", "user", "assistant", "user"), roles);
        int images = 0;
        for (int i = 0; i < msgs.size(); i++) {
            JsonNode c = msgs.get(i).get("content");
            if (c.isArray()) {
                for (JsonNode p : c) {
                    if (p.get("type").asText().equals("image_url")) {
                        images++;
                        assertEquals(msgs.size() - 1, i, "the image is in the last user message only");
                    }
                }
            }
        }
        assertEquals(1, images);
        assertEquals(List.of("text"), List.of(msgs.get(1).get("content").get(0).get("type").asText()));
        assertEquals(1, msgs.get(1).get("content").size());
        assertEquals("<think>look at the screen</think><answer>do(action=\"Tap\", element=[1,2])</answer>",
                msgs.get(2).get("content").asText());
        assertTrue(msgs.get(3).get("content").get(0).get("text").asText().startsWith("** Screen Info **\n\n"));
    }

    @Test
    void theSameSeedSendsTheSameRequests() throws Exception {
        byte[] a = new AgentSession(1, "m", 56, 112, null, 3, LocalDate.of(2026, 1, 1), true, 1000, 4000).next(null, null)
                .body();
        byte[] b = new AgentSession(1, "m", 56, 112, null, 3, LocalDate.of(2026, 1, 1), true, 1000, 4000).next(null, null)
                .body();
        assertEquals(new String(a, java.nio.charset.StandardCharsets.UTF_8),
                new String(b, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aReplayedAgentRequestIsEstimatedAsTheAgentEstimatesIt() throws Exception {
        Prepared sent = new AgentSession(1, "m", 540, 1200, null, 5, LocalDate.of(2026, 11, 28), true, 1000, 4000)
                .next(null, null);
        ObjectNode line = JSON.createObjectNode();
        line.set("messages", JSON.readTree(sent.body()).get("messages"));
        line.put("max_tokens", 3000);
        java.nio.file.Path file = java.nio.file.Files.createTempFile("replay", ".jsonl");
        try {
            java.nio.file.Files.writeString(file, JSON.writeValueAsString(line) + "\n");
            Prepared replayed = ReplayRequests.read(file, "m", true).get(0);
            // 540x1200: 1204 x 532 after resizing, (86 x 38) / 4 image tokens
            assertEquals(86 * 38 / 4, replayed.imageTokensEst());
            assertEquals(sent.imageTokensEst(), replayed.imageTokensEst());
            assertEquals(sent.promptTokensEst(), replayed.promptTokensEst());
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void imageTokensAreGlm41vsCount() {
        // the same arithmetic as native/workload/tests/test_serve.py, written there by hand from smart_resize
        assertEquals(172 * 78 / 4, PromptEstimate.imageTokens(1080, 2400, PromptEstimate.MAX_PIXELS));
        assertEquals(172 * 172 / 4, PromptEstimate.imageTokens(4000, 4000, PromptEstimate.MAX_PIXELS));
        assertEquals(9, PromptEstimate.imageTokens(20, 20, PromptEstimate.MAX_PIXELS));
        int[] wh = PngImage.size(PngImage.generate(1080, 2400, 1));
        assertEquals(List.of(1080, 2400), List.of(wh[0], wh[1]));
    }
}
