package autoglm.record.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * The synthetic workload (docs/load.md#synthetic): request i's prompt is seeded random words of about
 * {@code inputLen} estimated tokens (times a uniform factor within 1 +- spread), with one generated screenshot first
 * when an image size is given; {@code max_tokens} is {@code outputLen} with {@code ignore_eos}, as vLLM's bench
 * serve sends its random dataset. The same seed gives the same requests.
 */
public final class SyntheticRequests {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";
    private final String model;
    private final boolean chat;
    private final int inputLen;
    private final double spread;
    private final int outputLen;
    private final int width;
    private final int height;
    private final byte[] fixedImage;
    private final long seed;

    public SyntheticRequests(String model, boolean chat, int inputLen, double spread, int outputLen, int width,
            int height, byte[] fixedImage, long seed) {
        this.model = model;
        this.chat = chat;
        this.inputLen = inputLen;
        this.spread = spread;
        this.outputLen = outputLen;
        this.width = width;
        this.height = height;
        this.fixedImage = fixedImage;
        this.seed = seed;
    }

    public Prepared get(int index) {
        SplittableRandom r = new SplittableRandom(seed * 7_919L + index);
        int target = (int) Math.max(1, Math.round(inputLen * (1 + spread * (2 * r.nextDouble() - 1))));
        StringBuilder text = new StringBuilder();
        PromptEstimate est = new PromptEstimate();
        byte[] png = null;
        if (fixedImage != null || width > 0) {
            png = fixedImage != null ? fixedImage : PngImage.generate(width, height, r.nextLong());
            int[] wh = PngImage.size(png);
            est.image(java.util.Arrays.hashCode(png), wh[0], wh[1]);
        }
        while (est.tokens() < target) {
            String w = word(r);
            text.append(w).append(' ');
            est.text(w + " ");
        }
        ObjectNode b = JSON.createObjectNode();
        b.put("model", model);
        if (chat) {
            ArrayNode msgs = b.putArray("messages");
            ObjectNode user = msgs.addObject();
            user.put("role", "user");
            if (png != null) {
                ArrayNode content = user.putArray("content");
                ObjectNode img = content.addObject();
                img.put("type", "image_url");
                img.putObject("image_url").put("url", "data:image/png;base64,"
                        + Base64.getEncoder().encodeToString(png));
                content.addObject().put("type", "text").put("text", text.toString());
            } else {
                user.put("content", text.toString());
            }
        } else {
            b.put("prompt", text.toString());
        }
        b.put("max_tokens", outputLen);
        b.put("ignore_eos", true);
        b.put("temperature", 0.0);
        b.put("stream", true);
        b.putObject("stream_options").put("include_usage", true);
        try {
            return new Prepared(JSON.writeValueAsBytes(b), 0, 0, est.tokens(), est.imageTokens(), 0, Double.NaN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String word(SplittableRandom r) {
        int n = 2 + r.nextInt(3);
        StringBuilder w = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            w.append(LETTERS.charAt(r.nextInt(LETTERS.length())));
        }
        return w.toString();
    }
}
