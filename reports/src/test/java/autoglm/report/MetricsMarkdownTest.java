package autoglm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.MetricCatalog;
import autoglm.analyse.MetricFamily;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md, the metric reference made from the catalogue: one section per family with a row for each of its
 * metrics, and links that lead to a heading (in it, or in the docs its families name), as GitHub makes anchors.
 */
class MetricsMarkdownTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([a-z-]*\\.md)?#([^)]*)\\)");

    private static String markdown() throws Exception {
        StringWriter w = new StringWriter();
        MetricsMarkdown.write(w);
        return w.toString();
    }

    @Test
    void eachFamilyHasASectionWithARowForEachOfItsMetrics() throws Exception {
        String doc = markdown();
        int rows = 0;
        for (MetricFamily f : MetricFamily.values()) {
            int at = doc.indexOf("\n## " + f.title() + "\n");
            assertTrue(at >= 0, f.title());
            int end = doc.indexOf("\n## ", at + 1);
            String section = doc.substring(at, end < 0 ? doc.length() : end);
            for (String name : f.names()) {
                assertTrue(section.contains("\n| `" + name + "` | " + MetricCatalog.unit(name).key() + " | "),
                        f.title() + ": " + name);
            }
            if (f.whenAbsent() != null) {
                assertTrue(section.contains(Markdown.escape(f.whenAbsent())), f.title());
            }
            rows += (int) section.lines().filter(l -> l.startsWith("| `")).count();
        }
        int memberships = MetricCatalog.all().values().stream().mapToInt(d -> d.families().size()).sum();
        assertEquals(memberships, rows, "one row per metric and family it belongs to");
    }

    @Test
    void everyLinkLeadsToAHeading() throws Exception {
        String doc = markdown();
        Path docs = Fixtures.root().resolve("docs");
        Matcher m = LINK.matcher(doc);
        int links = 0;
        while (m.find()) {
            String file = m.group(1);
            String text = file == null ? doc : Files.readString(docs.resolve(file));
            assertTrue(headings(text).contains(m.group(2)), (file == null ? "metrics.md" : file) + "#" + m.group(2));
            links++;
        }
        assertTrue(links > 2 * MetricFamily.values().length, "the contents and each family's analysis: " + links);
    }

    @Test
    void theTerminalListingNamesEveryMetric() throws Exception {
        StringWriter w = new StringWriter();
        MetricsText.write(w);
        for (String name : MetricCatalog.all().keySet()) {
            assertTrue(w.toString().contains("\n  " + name + " "), name);
        }
    }

    /** The anchors GitHub gives the headings of a Markdown file: lower case, punctuation dropped, spaces as '-'. */
    private static Set<String> headings(String markdown) {
        Set<String> anchors = new HashSet<>();
        boolean fence = false;
        for (String line : markdown.lines().toList()) {
            fence ^= line.startsWith("```");
            if (!fence && line.startsWith("#")) {
                String title = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
                anchors.add(title.replaceAll("[^\\p{L}\\p{Nd} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }
}
