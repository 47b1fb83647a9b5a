package autoglm.rules;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Summary, explanation and fix texts with {@code {name}} placeholders: a metric or threshold shown
 * with its unit, or {@code {name.n}} for a metric's sample count.
 */
public final class Template {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z0-9_]+)(\\.n)?}");

    private final String text;

    public Template(String text) {
        this.text = text == null ? "" : text.strip();
    }

    /** Names referred to (without the .n suffix). */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Replaces each placeholder with {@code resolve.apply("name")} or {@code resolve.apply("name.n")}. */
    public String render(Function<String, String> resolve) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String key = m.group(1) + (m.group(2) == null ? "" : ".n");
            m.appendReplacement(sb, Matcher.quoteReplacement(resolve.apply(key)));
        }
        m.appendTail(sb);
        return sb.toString().replaceAll("\\s+", " ").trim();
    }

    public String text() {
        return text;
    }
}
