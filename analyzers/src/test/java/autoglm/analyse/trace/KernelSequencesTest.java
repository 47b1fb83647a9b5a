package autoglm.analyse.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.diagnose.Diagnoser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repeated kernel sequences on a trace built so that the answer is known (docs/analyses.md#sequences): four kernels
 * that always follow each other, ten times, each time after a kernel that occurs once; and on the real H100 example,
 * the decoder layer's pattern once per layer and step.
 */
class KernelSequencesTest {
    @TempDir
    Path tmp;

    @Test
    void aPatternOfFourRepeatedTenTimesIsFoundWithItsTime() throws Exception {
        StringBuilder ev = new StringBuilder();
        long ts = 1_000;
        int corr = 1;
        String[] pattern = {"k_alpha", "k_beta", "k_gamma", "k_delta"};
        int[] dur = {3, 5, 7, 11};
        for (int rep = 0; rep < 10; rep++) {
            String[] names = new String[5];
            int[] d = new int[5];
            names[0] = "noise_" + rep;
            d[0] = 2;
            for (int i = 0; i < 4; i++) {
                names[i + 1] = pattern[i];
                d[i + 1] = dur[i];
            }
            for (int i = 0; i < 5; i++) {
                ev.append(String.format(java.util.Locale.ROOT,
                        "{\"ph\":\"X\",\"cat\":\"cuda_runtime\",\"name\":\"cudaLaunchKernel\",\"pid\":1,\"tid\":1,"
                                + "\"ts\":%d,\"dur\":1,\"args\":{\"correlation\":%d}},", ts, corr));
                ev.append(String.format(java.util.Locale.ROOT,
                        "{\"ph\":\"X\",\"cat\":\"kernel\",\"name\":\"%s\",\"pid\":0,\"tid\":7,\"ts\":%d,\"dur\":%d,"
                                + "\"args\":{\"device\":0,\"stream\":7,\"correlation\":%d}},", names[i], ts + 2, d[i],
                        corr));
                ts += 20;
                corr++;
            }
        }
        // one profiler step around it all: the window is every kernel (without it, autoglm would find passes)
        ev.append(String.format(java.util.Locale.ROOT, "{\"ph\":\"X\",\"cat\":\"user_annotation\",\"name\":"
                + "\"ProfilerStep#1\",\"pid\":1,\"tid\":1,\"ts\":500,\"dur\":%d}", ts + 500));
        Path f = tmp.resolve("pattern.json");
        Files.writeString(f, "{\"schemaVersion\":1,\"traceEvents\":[" + ev + "]}", StandardCharsets.UTF_8);
        Breakdown b = Diagnoser.withDefaults().diagnose(List.of(f)).inputs().get(0).analysis().breakdown();
        assertEquals(1, b.sequences().size(), b.sequences().toString());
        Breakdown.SequenceStat q = b.sequences().get(0);
        assertEquals(List.of(pattern), q.kernels());
        assertEquals(10, q.count());
        assertEquals(10 * (3 + 5 + 7 + 11) / 1000.0, q.totalMs(), 1e-12, "ten runs of 26 us");
    }

    @Test
    void theExampleRepeatsItsLayersPattern() {
        Breakdown b = Diagnoser.withDefaults().diagnose(List.of(Fixtures.trace(Fixtures.DECODE8))).inputs().get(0)
                .analysis().breakdown();
        assertTrue(!b.sequences().isEmpty() && b.sequences().size() <= KernelSequences.TOP);
        for (Breakdown.SequenceStat q : b.sequences()) {
            assertTrue(q.kernels().size() >= KernelSequences.MIN_LEN && q.kernels().size() <= KernelSequences.MAX_LEN);
            // at least once per iteration (8 here), and sorted by GPU time
            assertTrue(q.count() >= 8, q.toString());
        }
        for (int i = 1; i < b.sequences().size(); i++) {
            assertTrue(b.sequences().get(i - 1).totalMs() >= b.sequences().get(i).totalMs());
        }
        // GLM-4-9B has 40 decoder layers: the top pattern runs once per layer in each of the analysed passes
        assertEquals(0, b.sequences().get(0).count() % 40, b.sequences().get(0).toString());
    }
}
