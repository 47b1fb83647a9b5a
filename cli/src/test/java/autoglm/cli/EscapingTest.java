package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strings from outside (file names, option values, rule titles, kernel names) carrying ESC sequences,
 * OSC 52 (clipboard write), BEL, CR, U+009B (a one-character CSI) and U+202E (right-to-left override):
 * none of them reaches an error line, the rules listing, or the terminal and Markdown reports.
 */
class EscapingTest {
    @TempDir
    Path tmp;

    static final String EVIL = "a\u001b[31mred\u001b]52;c;aGVsbG8=\u0007\rover\u009b2J\u202eevil";

    /** Every character that may not reach a reader as it is; line breaks are the output's own. */
    static void clean(String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\n' && autoglm.util.SafeText.unsafe(c)) {
                throw new AssertionError(what + ": U+" + String.format("%04X", (int) c) + " at " + i + " in: "
                        + s.substring(Math.max(0, i - 40), Math.min(s.length(), i + 40)));
            }
        }
    }

    @Test
    void errorLinesNeverCarryControlCharacters() throws Exception {
        Run missing = Run.of("diagnose", tmp.resolve(EVIL + ".json").toString());
        assertEquals(ExitCodes.BAD_INPUT, missing.code());
        clean("missing file", missing.err());
        assertTrue(missing.err().contains("red"), missing.err());
        Run set = Run.of("diagnose", "--set", EVIL + ".x=1", Fixtures.trace(Fixtures.DECODE_KV).toString());
        assertEquals(ExitCodes.BAD_INPUT, set.code());
        clean("--set", set.err());
        Run option = Run.of("diagnose", "--" + EVIL);
        assertEquals(ExitCodes.BAD_INPUT, option.code());
        clean("unknown option", option.err());
        Run out = Run.of("diagnose", "-o", tmp.resolve("no-such-folder").resolve(EVIL).toString(),
                Fixtures.trace(Fixtures.DECODE_KV).toString());
        assertEquals(ExitCodes.BAD_INPUT, out.code());
        clean("-o", out.err());
    }

    @Test
    void theRulesListingOfAForeignCatalogueIsSafe() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rules"));
        String yaml = Files.readString(Fixtures.root().resolve("rules/timeline.yaml"));
        yaml = yaml.replaceFirst("title: ", "title: \"" + EVIL.replace("\u001b", "\\e").replace("\u0007", "\\a")
                .replace("\r", "\\r").replace("\u009b", "\\x9b").replace("\u202e", "\\u202e") + " \"\n    x_title: ");
        yaml = yaml.replace("    x_title: ", "    #");
        Files.writeString(dir.resolve("timeline.yaml"), yaml);
        for (String format : new String[] {"terminal", "markdown"}) {
            Run r = Run.of("rules", "--rules", dir.toString(), "--format", format);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("red"), "the title is listed: " + r.out().substring(0, 300));
            clean("rules --format " + format, r.out());
        }
    }

    @Test
    void kernelNamesInTheTerminalAndMarkdownReportsAreSafe() throws Exception {
        ObjectNode t = Fixtures.read(Fixtures.DECODE_KV);
        int n = 0;
        for (JsonNode e : t.get("traceEvents")) {
            if ("kernel".equals(e.path("cat").asText()) && n++ < 50) {
                ((ObjectNode) e).put("name", EVIL + n);
            }
        }
        Path trace = Fixtures.write(t, tmp.resolve("evil.json"));
        for (String format : new String[] {"terminal", "markdown"}) {
            Run r = Run.of("diagnose", "--color", "never", "--format", format, "--top-kernels", "100", trace.toString());
            assertTrue(r.code() == 0 || r.code() == 1, r.err());
            assertTrue(r.out().contains("red"), "the kernels are listed");
            clean("diagnose --format " + format, r.out());
            clean("diagnose stderr", r.err());
        }
    }
}
