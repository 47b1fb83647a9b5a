package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.read.run.RunFolder;
import autoglm.model.run.RunInfo;
import autoglm.read.run.RunInfoJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** autoglm profile where its own writes fail or race: a full disk, runs started in the same second. */
class ProfileWritesTest {
    @TempDir
    Path tmp;

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aDiskThatFillsDuringTheRunMarksItIncompleteAndExitsTwo() throws Exception {
        // 3 free pages: run.json and host.csv fit, then the host samples (every 10 ms) fill the disk
        try (TinyDisk disk = TinyDisk.mount(tmp.resolve("disk"), 32, 3)) {
            Run r = Run.of("profile", "--interval", "10ms", "--host-interval", "10ms", "--out", disk.dir.toString(),
                    "--", "sleep", "4");
            assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
            assertTrue(r.err().contains("disk full (No space left on device)"), r.err());
            assertTrue(r.err().contains("samples cannot be written: disk full (No space left on device): sampling stopped"),
                    "said at once, while the command runs: " + r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            Path run;
            try (Stream<Path> s = Files.list(disk.dir)) {
                run = s.filter(Files::isDirectory).findFirst().orElseThrow();
            }
            RunInfo info = RunInfoJson.read(run.resolve(RunFolder.RUN_JSON));
            assertFalse(info.complete(), "marked incomplete");
            assertTrue(info.note().contains("disk full"), info.note());
            assertTrue(info.dataLoss().keySet().stream().anyMatch(k -> k.contains("disk full")), info.dataLoss().toString());
            for (Path p : list(disk.dir)) {
                assertFalse(p.getFileName().toString().endsWith(".tmp"), "left behind: " + p);
            }
            // the gate refuses to pass it
            disk.free();
            Run g = Run.of("gate", "--baseline", run.toString(), "--current", run.toString());
            assertTrue(g.code() == ExitCodes.FINDINGS || g.code() == ExitCodes.BAD_INPUT, g.out() + g.err());
            assertTrue((g.out() + g.err()).contains("incomplete"), g.out() + g.err());
        }
    }

    @Test
    void runsStartedInTheSameSecondWithTheSameNameEachGetAFolder() throws Exception {
        Path out = tmp.resolve("runs");
        List<CompletableFuture<Run>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String report = tmp.resolve("report-" + i + ".json").toString();
            runs.add(CompletableFuture.supplyAsync(() -> Run.of("profile", "--name", "same", "--out", out.toString(),
                    "--format", "json", "-o", report, "--", "true")));
        }
        for (CompletableFuture<Run> f : runs) {
            Run r = f.get();
            assertEquals(0, r.code(), r.err());
        }
        List<String> names;
        try (Stream<Path> s = Files.list(out)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(3, names.size(), names.toString());
        for (String n : names) {
            assertTrue(n.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-same(-\\d+)?"), n);
        }
    }
}
