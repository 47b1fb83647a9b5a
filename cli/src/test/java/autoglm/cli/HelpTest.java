package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What --help shows a person: whole sentences for the commands, descriptions wrapped at spaces only. */
class HelpTest {
    private static final List<String> COMMANDS = List.of("diagnose", "profile", "doctor", "gate", "compare", "export",
            "rules", "load", "serve", "completion");

    @Test
    void theCommandListGivesEachCommandOneWholeSentence() {
        Run r = Run.of("--help");
        assertEquals(ExitCodes.OK, r.code());
        String list = r.out().substring(r.out().indexOf("Commands:"));
        for (String c : COMMANDS) {
            String line = list.lines().filter(l -> l.startsWith("  " + c + " ")).findFirst().orElseThrow();
            assertTrue(line.endsWith("."), "a whole sentence on one line: " + line);
        }
        assertEquals(COMMANDS.size() + 1, list.lines().count(), "no continuation lines: " + list);
    }

    @Test
    void descriptionsWrapAtSpacesNeverInsideAPathOrURL() {
        for (String c : COMMANDS) {
            Run r = Run.of(c, "--help");
            assertEquals(ExitCodes.OK, r.code(), c);
            for (String line : r.out().lines().toList()) {
                assertTrue(line.length() <= 80, c + ": wider than the help's 80 columns: " + line);
            }
        }
        String export = Run.of("export", "--help").out();
        assertTrue(export.contains("ui.perfetto.dev"), export);
        assertEquals("one two\nthree", DescriptionWrap.wrap("one two three", 8).replace(System.lineSeparator(), "\n"));
        assertEquals("a.very.long.path.name\nx", DescriptionWrap.wrap("a.very.long.path.name x", 5)
                .replace(System.lineSeparator(), "\n"));
    }
}
