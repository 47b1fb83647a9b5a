package autoglm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.AnalysisSettings;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.ThresholdOverrides;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
    private static final String ESCAPE = "\u001b]0;pwned\u0007\u001b[31mred_kernel";
    private static final String SCRIPT = "<script>alert(1)</script>";

    @TempDir
    Path tmp;

    private Diagnosis hostileTrace() throws Exception {
        ObjectNode t = Fixtures.read(Fixtures.PAGEABLE);
        int i = 0;
        for (JsonNode e : t.get("traceEvents")) {
            if (e.path("cat").asText().equals("kernel")) {
                ((ObjectNode) e).put("name", i++ % 2 == 0 ? ESCAPE : SCRIPT);
            }
        }
        return new Diagnoser(RuleCatalogue.bundled(), ThresholdOverrides.none(), AnalysisSettings.defaults())
                .diagnose(List.of(Fixtures.write(t, tmp.resolve("hostile.json.gz"))));
    }

    private static String render(Report r, Diagnosis d) throws Exception {
        StringWriter w = new StringWriter();
        r.write(d, w);
        return w.toString();
    }

    @Test
    void terminalOutputNeutralisesControlCharactersFromTheTrace() throws Exception {
        String out = render(new TerminalReport(false, true, 10), hostileTrace());
        assertTrue(out.contains("??]0;pwned??[31mred_kernel") || out.contains("?]0;pwned??[31mred_kernel"), out);
        assertFalse(out.contains("\u001b"), "no escape character reaches the terminal");
        assertFalse(out.contains("\u0007"));
    }

    @Test
    void colourOnlyWhenAsked() throws Exception {
        Diagnosis d = new Diagnoser(RuleCatalogue.bundled(), ThresholdOverrides.none(), AnalysisSettings.defaults())
                .diagnose(List.of(Fixtures.trace(Fixtures.DECODE_KV)));
        assertFalse(render(new TerminalReport(false, false, 5), d).contains("\u001b["));
        String coloured = render(new TerminalReport(true, false, 5), d);
        assertTrue(coloured.contains("\u001b[31m\u001b[1mWARNING\u001b[0m"), coloured);
    }

    @Test
    void jsonKeepsTheNameAsDataAndEscapesIt() throws Exception {
        String out = render(new JsonReport(), hostileTrace());
        JsonNode j = Fixtures.json().readTree(out);
        boolean seen = false;
        for (JsonNode k : j.get("breakdown").get("kernels")) {
            seen |= k.get("name").asText().equals(SCRIPT);
        }
        assertTrue(seen, "the name survives as data");
        assertFalse(out.contains("\u001b"), "control characters are escaped in JSON text");
    }

    @Test
    void markdownEscapesHtmlAndMarkdown() {
        assertEquals("&lt;script&gt;alert(1)&lt;/script&gt;", Markdown.escape(SCRIPT));
        assertEquals("a \\| b \\`c\\` \\*d\\* \\[e\\]", Markdown.escape("a | b `c` *d* [e]"));
        assertEquals("line one line two", Markdown.escape("line one\nline two"));
    }

    @Test
    void absentNumbersAreNullWithAReason() throws Exception {
        Diagnosis d = new Diagnoser(RuleCatalogue.bundled(), ThresholdOverrides.none(), AnalysisSettings.defaults())
                .diagnose(List.of(Fixtures.trace(Fixtures.DECODE_KV)));
        JsonNode j = Fixtures.json().readTree(render(new JsonReport(), d));
        JsonNode m = j.get("metrics").get("pageable_memcpy_gbps");
        assertTrue(m.get("value").isNull());
        assertEquals("no copies from or to pageable memory", m.get("reason").asText());
        for (JsonNode f : j.get("findings")) {
            if (f.get("severity").asText().equals("not-applicable")) {
                assertTrue(f.get("gain").get("msPerStep").isNull());
                assertFalse(f.get("reason").asText().isEmpty());
            }
        }
    }

    @Test
    void textHelpers() {
        assertEquals(List.of("aaa bbb", "ccc"), Text.wrap("aaa bbb ccc", 7));
        assertEquals("abc...", Text.clip("abcdefghij", 6));
        assertEquals("a b?c", Text.safe("a\nb\u001bc"));
    }
}
