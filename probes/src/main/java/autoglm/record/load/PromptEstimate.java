package autoglm.record.load;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the client can know of a prompt without the server's tokenizer (docs/load.md#estimates): text as pieces of
 * at most four word characters, single CJK characters, punctuation marks and whitespace runs (about one token per
 * four characters of English, as GLM's tokenizer gives); images as the GLM-4.1V processor counts them
 * ({@link #imageTokens}). Each unit is a hash, so two prompts' longest common prefix can be measured in units:
 * the share of a prompt a prefix cache could have kept. Estimates, marked so wherever they are shown.
 */
public final class PromptEstimate {
    private static final Pattern PIECE = Pattern.compile(
            "[\\u2e80-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff]|[\\p{L}\\p{N}_]{1,4}|\\s+|[^\\p{L}\\p{N}_\\s]");
    /** Glm4vImageProcessor: patch 14, 2x2 merge, 2 temporal frames, pixels within these bounds. */
    public static final long MIN_PIXELS = 112L * 112;
    public static final long MAX_PIXELS = 28L * 28 * 15000;

    private final List<Long> units = new ArrayList<>();
    private long imageTokens;

    public void text(String s) {
        Matcher m = PIECE.matcher(s);
        while (m.find()) {
            units.add((long) m.group().hashCode());
        }
    }

    public void marker(int id) {
        units.add(-1L - id);
    }

    /** An image of this size; {@code identity} tells one image from another (the same image repeats its units). */
    public void image(long identity, int width, int height) {
        long n = imageTokens(width, height, MAX_PIXELS);
        long h = identity * 1_000_003L;
        for (long i = 0; i < n; i++) {
            units.add(h + i);
        }
        imageTokens += n;
    }

    /**
     * The estimate of a chat request's messages: a marker per role, text as pieces, and each
     * {@code data:image/png;base64,} image_url by the size in its PNG header (the rest of it is not decoded; its
     * text tells it from other images). An image that is not such a PNG counts no tokens.
     */
    public static PromptEstimate ofMessages(com.fasterxml.jackson.databind.JsonNode messages) {
        PromptEstimate e = new PromptEstimate();
        for (com.fasterxml.jackson.databind.JsonNode m : messages) {
            e.marker(m.path("role").asText().hashCode() & 0xff);
            com.fasterxml.jackson.databind.JsonNode content = m.path("content");
            if (content.isTextual()) {
                e.text(content.asText());
                continue;
            }
            for (com.fasterxml.jackson.databind.JsonNode part : content) {
                if ("text".equals(part.path("type").asText())) {
                    e.text(part.path("text").asText());
                } else if ("image_url".equals(part.path("type").asText())) {
                    String url = part.path("image_url").path("url").asText("");
                    int[] wh = pngSize(url);
                    if (wh != null) {
                        e.image(url.hashCode(), wh[0], wh[1]);
                    }
                }
            }
        }
        return e;
    }

    /** Width and height from a PNG data URL's header (its first 24 bytes), or null. */
    static int[] pngSize(String url) {
        String prefix = "data:image/png;base64,";
        if (!url.startsWith(prefix) || url.length() < prefix.length() + 32) {
            return null;
        }
        try {
            return PngImage.size(java.util.Base64.getDecoder().decode(url.substring(prefix.length(),
                    prefix.length() + 32)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public long tokens() {
        return units.size();
    }

    public long imageTokens() {
        return imageTokens;
    }

    /** Units this prompt shares from its start with another. */
    public long commonPrefix(PromptEstimate other) {
        int n = Math.min(units.size(), other.units.size());
        int i = 0;
        while (i < n && units.get(i).equals(other.units.get(i))) {
            i++;
        }
        return i;
    }

    /** GLM-4.1V's image tokens for one image (transformers' Glm4vImageProcessor smart_resize, then (h/14)(w/14)/4). */
    public static long imageTokens(int width, int height, long maxPixels) {
        int factor = 28;
        double h = height;
        double w = width;
        if (h < factor || w < factor) {
            double scale = Math.max(factor / h, factor / w);
            h = Math.floor(h * scale);
            w = Math.floor(w * scale);
        }
        long hBar = (long) Math.rint(h / factor) * factor; // half to even, as Python's round
        long wBar = (long) Math.rint(w / factor) * factor;
        if (2 * hBar * wBar > maxPixels) {
            double beta = Math.sqrt(2 * h * w / maxPixels);
            hBar = Math.max(factor, (long) Math.floor(h / beta / factor) * factor);
            wBar = Math.max(factor, (long) Math.floor(w / beta / factor) * factor);
        } else if (2 * hBar * wBar < MIN_PIXELS) {
            double beta = Math.sqrt(MIN_PIXELS / (2 * h * w));
            hBar = (long) Math.ceil(h * beta / factor) * factor;
            wBar = (long) Math.ceil(w * beta / factor) * factor;
        }
        return (hBar / 14) * (wBar / 14) / 4;
    }
}
