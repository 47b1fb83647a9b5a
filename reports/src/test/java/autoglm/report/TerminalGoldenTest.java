package autoglm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The terminal report at two widths, against golden files (src/test/resources/golden): the layout a person reads,
 * wrapped at spaces to the width, a number never parted from its unit. The numbers in them are checked against
 * independent tools elsewhere (IndependentCheckTest, tools/); these files guard the layout, and were read before they
 * were kept. After an intended change, {@code mvn test -pl reports -Dtest=TerminalGoldenTest -Dautoglm.golden.update=true}
 * rewrites them; the diff is then reviewed like code. Inputs are named relative to the module's folder (where Maven
 * runs the tests), so that the report's lines, paths included, wrap the same on every machine.
 */
class TerminalGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @ParameterizedTest
    @CsvSource({"trace, 80", "trace, 160", "run, 80", "run, 160"})
    void theReportMatchesItsGoldenFileAndKeepsToTheWidth(String input, int width) throws Exception {
        Path file = Path.of("").toAbsolutePath().relativize(input.equals("trace") ? Fixtures.trace(Fixtures.DECODE8)
                : Fixtures.root().resolve("testdata/runs/h100-replay"));
        Diagnosis d = Diagnoser.withDefaults().diagnose(List.of(file));
        StringWriter w = new StringWriter();
        new TerminalReport(false, false, 10, false, width).write(d, w);
        String out = w.toString();

        for (String line : out.split("\n")) {
            // a line may run past the width only when it is one word (a path) after its label
            boolean oneWord = line.strip().split("\\s+").length <= 2;
            assertTrue(line.length() <= width || oneWord, "longer than " + width + ": " + line);
            assertTrue(!line.matches(".*[0-9]$") || !line.matches(".*\\s[0-9.,]+$")
                    || !nextStartsWithUnit(out, line), "a number parted from its unit: " + line);
        }

        Path golden = GOLDEN.resolve(input + "-" + width + ".txt");
        if (Boolean.getBoolean("autoglm.golden.update")) {
            Files.writeString(golden, out, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(golden), golden + " is missing: run with -Dautoglm.golden.update=true and review it");
        String expected = Files.readString(golden, StandardCharsets.UTF_8);
        if (!expected.equals(out)) {
            Path actual = Path.of("target/golden-actual").resolve(golden.getFileName());
            Files.createDirectories(actual.getParent());
            Files.writeString(actual, out, StandardCharsets.UTF_8);
            assertEquals(expected, out, "differs from " + golden + "; the new output is in " + actual
                    + " (diff them; -Dautoglm.golden.update=true accepts it)");
        }
    }

    /** Whether the line after {@code line} starts with a unit (the wrap split "14.2" from "us"). */
    private static boolean nextStartsWithUnit(String out, String line) {
        int at = out.indexOf(line + "\n");
        if (at < 0) {
            return false;
        }
        String rest = out.substring(at + line.length() + 1);
        String next = rest.contains("\n") ? rest.substring(0, rest.indexOf('\n')) : rest;
        return next.strip().matches("(us|ms|s|MiB|GiB|GB/s|%)\\b.*");
    }
}
