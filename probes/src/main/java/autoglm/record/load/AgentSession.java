package autoglm.record.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One phone session of the agent workload, shaped exactly as Open-AutoGLM's client builds its requests
 * (phone_agent/agent.py and model/client.py, docs/load.md#agent): a system prompt (Open-AutoGLM's English one,
 * dated); each step a user message whose content is one screenshot as a {@code data:image/png;base64,} image_url
 * followed by text (the task and the screen info on the first step, the screen info after); after each answer the
 * image is removed from that user message (its text stays) and the answer re-added as an assistant message
 * {@code <think>...</think><answer>...</answer>}; streaming with max_tokens 3000, temperature 0, top_p 0.85,
 * frequency_penalty 0.2. Between steps the phone acts: a seeded think time (1-4 s by default, Open-AutoGLM's
 * timing.py sleeps 1 s after most actions and more after some).
 */
public final class AgentSession {
    public static final String SYSTEM_PROMPT = load("/autoglm/load/open-autoglm-system-prompt-en.txt");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TASKS = {"Open the chrome browser.", "Open eBay and search for wireless earphones.",
        "Open Settings and turn on Wi-Fi.", "Send a message to Alice saying I will be late.",
        "Open the calendar and add a meeting tomorrow at 10am.", "Search for a pizza restaurant nearby in Maps."};
    private static final String[] APPS = {"System Home", "Chrome", "eBay", "Settings", "Messages", "Calendar", "Maps"};

    private final int session;
    private final String model;
    private final int width;
    private final int height;
    private final byte[] fixedImage;
    private final SplittableRandom rnd;
    private final ArrayNode messages = JSON.createArrayNode();
    private final boolean stream;
    private int step;
    private PromptEstimate previous;

    private final double thinkMinMs;
    private final double thinkMaxMs;

    public AgentSession(int session, String model, int width, int height, byte[] fixedImage, long seed, LocalDate date,
            boolean stream, double thinkMinMs, double thinkMaxMs) {
        this.thinkMinMs = thinkMinMs;
        this.thinkMaxMs = thinkMaxMs;
        this.session = session;
        this.model = model;
        this.width = width;
        this.height = height;
        this.fixedImage = fixedImage;
        this.stream = stream;
        this.rnd = new SplittableRandom(seed * 1_000_003L + session);
        ObjectNode sys = messages.addObject();
        sys.put("role", "system");
        sys.put("content", "The current date: " + date.format(DateTimeFormatter.ofPattern("yyyy-MM-dd, EEEE",
                Locale.ENGLISH)) + "\n" + SYSTEM_PROMPT);
    }

    /** The next step's request: the answer to the previous one is folded into the history first (null on step 1). */
    public Prepared next(Outcome previousAnswer, PromptEstimate sharedStart) {
        if (step > 0) {
            ObjectNode lastUser = (ObjectNode) messages.get(messages.size() - 1);
            ArrayNode kept = JSON.createArrayNode();
            lastUser.get("content").forEach(part -> {
                if ("text".equals(part.path("type").asText())) {
                    kept.add(part);
                }
            });
            lastUser.set("content", kept);
            ObjectNode a = messages.addObject();
            a.put("role", "assistant");
            String thinking = previousAnswer == null ? "" : previousAnswer.reasoning();
            String action = previousAnswer == null ? "" : previousAnswer.answer();
            a.put("content", "<think>" + thinking + "</think><answer>" + action + "</answer>");
        }
        step++;
        byte[] png = fixedImage != null ? fixedImage : PngImage.generate(width, height, rnd.nextLong());
        String app = APPS[rnd.nextInt(APPS.length)];
        String screenInfo = "{\"current_app\": \"" + app + "\"}";
        String text = step == 1 ? TASKS[session % TASKS.length] + "\n\n" + screenInfo
                : "** Screen Info **\n\n" + screenInfo;
        ObjectNode user = messages.addObject();
        user.put("role", "user");
        ArrayNode content = user.putArray("content");
        ObjectNode img = content.addObject();
        img.put("type", "image_url");
        img.putObject("image_url").put("url", "data:image/png;base64," + Base64.getEncoder().encodeToString(png));
        ObjectNode t = content.addObject();
        t.put("type", "text");
        t.put("text", text);
        PromptEstimate est = PromptEstimate.ofMessages(messages);
        long repeated = previous == null ? 0 : est.commonPrefix(previous);
        if (sharedStart != null) {
            repeated = Math.max(repeated, est.commonPrefix(sharedStart));
        }
        previous = est;
        return new Prepared(body(), session, step, est.tokens(), est.imageTokens(), repeated, Double.NaN);
    }

    /** The estimate of this session's current prompt, for other sessions to compare their start with. */
    public PromptEstimate lastEstimate() {
        return previous;
    }

    /** The phone's action between steps: uniform within the bounds (1-4 s by default), seeded. */
    public long thinkMs() {
        return Math.round(thinkMinMs + rnd.nextDouble() * (thinkMaxMs - thinkMinMs));
    }

    private byte[] body() {
        ObjectNode b = JSON.createObjectNode();
        b.put("model", model);
        b.set("messages", messages);
        b.put("max_tokens", 3000);
        b.put("temperature", 0.0);
        b.put("top_p", 0.85);
        b.put("frequency_penalty", 0.2);
        b.put("stream", stream);
        if (stream) {
            b.putObject("stream_options").put("include_usage", true);
        }
        try {
            return JSON.writeValueAsBytes(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String load(String resource) {
        try (InputStream in = AgentSession.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
