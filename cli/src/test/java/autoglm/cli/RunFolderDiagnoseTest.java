package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** autoglm diagnose on run folders: damaged ones give one line and exit 2, or count what they lost. */
class RunFolderDiagnoseTest {
    @TempDir
    Path tmp;

    private Path profiled() throws Exception {
        Path out = tmp.resolve("runs");
        Run r = Run.of("profile", "--out", out.toString(), "--", "sleep", "0.4");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        try (var s = Files.list(out)) {
            return s.findFirst().orElseThrow();
        }
    }

    @Test
    void corruptRunJsonIsOneLine() throws Exception {
        Path run = profiled();
        Files.writeString(run.resolve("run.json"), "{\"schema\": 1, \"comm");
        Run r = Run.of("diagnose", run.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().startsWith("autoglm: " + run.resolve("run.json") + ": cannot be read: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aFolderWithoutRunJsonIsNotARun() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        Run r = Run.of("diagnose", dir.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aRowCutShortByACrashIsCountedNotFatal() throws Exception {
        Path run = profiled();
        Path host = run.resolve("host.csv");
        Files.writeString(host, Files.readString(host) + "1795445424257,12.5,");
        Run r = Run.of("diagnose", "--format", "json", run.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals(1, autoglm.Fixtures.json().readTree(r.out()).get("dataLoss").get("malformed")
                .get("host.csv: unreadable rows").asInt());
    }

    @Test
    void aRunFolderIsDiagnosedOnItsOwn() throws Exception {
        Path run = profiled();
        Run r = Run.of("diagnose", run.toString(), run.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("a run folder is diagnosed on its own"), r.err());
    }

    @Test
    void aRunLeftByAKilledAutoglmIsShownIncomplete() throws Exception {
        Path run = profiled();
        String json = Files.readString(run.resolve("run.json")).replace("\"complete\" : true", "\"complete\" : false")
                .replace("\"status\" : \"exited\"", "\"status\" : \"running\"");
        Files.writeString(run.resolve("run.json"), json);
        Run r = Run.of("diagnose", run.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.out().contains("(INCOMPLETE)"), r.out());
    }
}
