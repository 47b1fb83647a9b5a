package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * load.json is bound strictly, as every config and result file (docs/architecture.md): a load run whose load.json has
 * a key autoglm does not know, or a value of the wrong type, is refused by diagnose RUN with one line, exit 2.
 */
class LoadJsonStrictTest {
    @TempDir
    Path tmp;

    private Path run(String from, String to) throws Exception {
        Path src = Fixtures.root().resolve("testdata/load/agent-glm-tiny");
        Path run = Files.createDirectories(tmp.resolve("run"));
        try (Stream<Path> s = Files.list(src)) {
            for (Path f : s.toList()) {
                Files.copy(f, run.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        String json = Files.readString(run.resolve("load.json"));
        assertTrue(json.contains(from), from);
        Files.writeString(run.resolve("load.json"), json.replace(from, to));
        return run;
    }

    private static void refused(Run r, String expected) {
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    @Test
    void anUnknownKeyIsRefused() throws Exception {
        refused(Run.of("diagnose", run("\"complete\" : true,", "\"complete\" : true, \"compelte\" : 1,").toString()),
                "load.json: unknown key 'compelte'");
        refused(Run.of("diagnose", run("\"seed\" : 0,", "\"seed\" : 0, \"sed\" : 0,").toString()),
                "load.json: settings: unknown key 'sed'");
    }

    @Test
    void aValueOfTheWrongTypeIsRefused() throws Exception {
        refused(Run.of("diagnose", run("\"concurrency\" : 1,", "\"concurrency\" : \"1\",").toString()),
                "load.json: settings: 'concurrency' has the wrong type (expected a whole number)");
    }

    @Test
    void theRecordedRunStillReads() throws Exception {
        Run r = Run.of("diagnose", run("\"complete\" : true,", "\"complete\" : true,").toString());
        assertEquals(0, r.code(), r.err());
    }
}
