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

    public void image(byte[] png, int width, int height) {
        long n = imageTokens(width, height, MAX_PIXELS);
        long h = java.util.Arrays.hashCode(png) * 1_000_003L;
        for (long i = 0; i < n; i++) {
            units.add(h + i);
        }
        imageTokens += n;
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
