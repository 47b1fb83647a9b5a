package autoglm.analyse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.ranks.RankRow;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.rules.Finding;
import autoglm.rules.Severity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ranks of a job compared: on HTA's public two-rank traces against tools/ranks_check.py (testdata/expected), and
 * the straggler on rank sets made from a real H100 trace (derived data: copies of one rank, one of them with its
 * computation kernels stretched and the kernels after them on the stream shifted, as a slower GPU would run them).
 */
class RankAnalysisTest {
    @TempDir
    Path tmp;

    private static final Path HTA = Fixtures.root().resolve("testdata/hta/ranks");

    private static Finding finding(Diagnosis d, String rule) {
        return d.findings().stream().filter(f -> f.rule().equals(rule)).findFirst().orElseThrow();
    }

    @Test
    void htaTwoRanksAgreeWithTheIndependentCheck() throws Exception {
        JsonNode want = Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/ranks-hta-trace-filter.json")
                .toFile());
        // given in the wrong order, and as a folder: the same table, in rank order
        for (List<Path> given : List.of(List.of(HTA.resolve("sampled_rank-1.json.gz"),
                HTA.resolve("sampled_rank-0.json.gz")), List.of(HTA))) {
            Diagnosis d = Diagnoser.withDefaults().diagnose(given);
            assertNotNull(d.ranks());
            // only the first file given keeps its events (for the charts): the others were analysed and let go
            assertEquals(1, d.inputs().stream().filter(in -> in.analysis().model().gpu().size() > 0).count());
            assertEquals("ProfilerStep numbers", d.ranks().alignment());
            assertEquals(want.get("aligned_steps").size(), d.ranks().alignedSteps());
            assertEquals(want.get("matched_collectives").asLong(), d.ranks().matchedCollectives());
            for (int i = 0; i < 2; i++) {
                RankRow row = d.ranks().rows().get(i);
                JsonNode w = want.get("ranks").get(i);
                assertEquals(w.get("rank").asInt(), row.rank());
                assertEquals(w.get("step_ms").asDouble(), row.stepMs(), 1e-6, "step");
                assertEquals(w.get("compute_ms_per_step").asDouble(), row.computeMsPerStep(), 1e-6, "compute");
                assertEquals(w.get("comm_ms_per_step").asDouble(), row.commMsPerStep(), 1e-6, "NCCL");
                assertEquals(w.get("collective_wait_ms_per_step").asDouble(), row.collectiveWaitMsPerStep(), 1e-6,
                        "collective wait");
            }
            assertEquals(want.get("collective_wait_pct").asDouble(), d.metrics().get("collective_wait_pct").value(),
                    1e-9);
            assertEquals("rank " + want.get("slowest").asInt(), d.ranks().slowest());
            // send/receive only: pipeline stages, whose work differs by design, are not called stragglers
            Finding s = finding(d, "straggler-rank");
            assertEquals(Severity.NOT_APPLICABLE, s.severity());
            assertTrue(s.reason().contains("pipeline stages"), s.reason());
        }
    }

    /** A copy of the trace as rank {@code rank} of {@code world}; with {@code stretch} != 1 its computation slower. */
    private Path rank(String fixture, int rank, int world, double stretch) throws Exception {
        ObjectNode t = Fixtures.read(fixture);
        ObjectNode dist = t.putObject("distributedInfo");
        dist.put("backend", "nccl");
        dist.put("rank", rank);
        dist.put("world_size", world);
        if (stretch != 1) {
            Map<String, List<ObjectNode>> byStream = new HashMap<>();
            for (JsonNode e : t.get("traceEvents")) {
                String cat = e.path("cat").asText();
                if (cat.equals("kernel") || cat.equals("gpu_memcpy") || cat.equals("gpu_memset")) {
                    byStream.computeIfAbsent(e.path("args").path("device").asText() + "/"
                            + e.path("args").path("stream").asText(), k -> new ArrayList<>()).add((ObjectNode) e);
                }
            }
            for (List<ObjectNode> stream : byStream.values()) {
                stream.sort(Comparator.comparingDouble(e -> e.get("ts").asDouble()));
                double shift = 0;
                for (ObjectNode e : stream) {
                    e.put("ts", e.get("ts").asDouble() + shift);
                    if (e.path("cat").asText().equals("kernel") && !e.path("name").asText().contains("nccl")) {
                        double dur = e.get("dur").asDouble();
                        e.put("dur", dur * stretch);
                        shift += dur * (stretch - 1);
                    }
                }
            }
        }
        return Fixtures.write(t, tmp.resolve("rank" + rank + ".json.gz"));
    }

    @Test
    void theStretchedRankIsAStragglerAndTheBalancedSetHasNone() throws Exception {
        String fixture = Fixtures.DECODE_KV;
        Diagnosis balanced = Diagnoser.withDefaults().diagnose(List.of(rank(fixture, 0, 3, 1), rank(fixture, 1, 3, 1),
                rank(fixture, 2, 3, 1)));
        assertEquals(1.0, balanced.metrics().get("straggler_ratio").value(), 1e-12);
        assertEquals(Severity.OK, finding(balanced, "straggler-rank").severity());
        assertFalse(finding(balanced, "straggler-rank").isProblem());

        Files.list(tmp).forEach(p -> p.toFile().delete());
        Diagnosis stretched = Diagnoser.withDefaults().diagnose(List.of(rank(fixture, 0, 3, 1),
                rank(fixture, 1, 3, 1.6), rank(fixture, 2, 3, 1)));
        // every computation kernel of rank 1 lasts 1.6 times as long: its computation per step is 1.6 times the
        // others' (the durations are written in microseconds with three decimals: a rounding of 1e-3 us at most)
        assertEquals(1.6, stretched.metrics().get("straggler_ratio").value(), 1e-4);
        assertEquals("rank 1", stretched.metrics().get("straggler_rank").text());
        Finding f = finding(stretched, "straggler-rank");
        assertEquals(Severity.WARNING, f.severity());
        RankRow slow = stretched.ranks().rows().get(1);
        RankRow other = stretched.ranks().rows().get(0);
        assertEquals(100 * (slow.computeMsPerStep() - other.computeMsPerStep()) / slow.stepMs(),
                stretched.metrics().get("straggler_gain_pct").value(), 1e-9);
        assertTrue(f.summary().startsWith("rank 1 spent 1.60x"), f.summary());
        // a single GPU's trace has no NCCL kernel: no collective to wait in
        assertFalse(stretched.metrics().get("collective_wait_pct").present());
    }
}
