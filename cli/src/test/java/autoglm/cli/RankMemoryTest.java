package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job of 64 ranks in a heap that cannot hold 64 models: each rank is analysed as it is read and only what the
 * report says of it is kept (the first rank keeps its events, for the charts), so at most one model per reading core
 * and the first are held at once. The ranks are 64 links to one real H100 trace (A-prefill-padded-to-2048, 18.9 MB of
 * JSON); the child JVM has 96 MiB of heap and 2 cores. Measured 2026-11-28 on the development machine: the build
 * before the bound (39aa556^, which kept every rank's model) ran out of memory on this set with -Xmx96m and with
 * -Xmx128m, and needed 160 MiB; this build reads it in 80 MiB.
 */
class RankMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void sixtyFourRanksFitAHeapThatCannotHoldSixtyFourModels() throws Exception {
        Path trace = Path.of("..", "testdata", "traces", "A-prefill-padded-to-2048.trace.json.gz").toAbsolutePath()
                .normalize();
        Path job = Files.createDirectory(tmp.resolve("job"));
        for (int rank = 0; rank < 64; rank++) {
            Files.createSymbolicLink(job.resolve("rank" + rank + ".json.gz"), trace);
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:ActiveProcessorCount=2", "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                "autoglm.cli.Main", "diagnose", "--format", "json", job.toString())
                .redirectError(tmp.resolve("err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the 64 ranks took more than 5 minutes");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("err")));
        JsonNode ranks = new ObjectMapper().readTree(out).get("ranks");
        assertEquals(64, ranks.get("rows").size());
        assertEquals("ProfilerStep numbers", ranks.get("alignment").asText());
    }
}
