package autoglm.record.cupti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import autoglm.Fixtures;
import autoglm.model.trace.DataLoss;
import autoglm.model.trace.TraceModel;
import autoglm.read.cupti.CuptiLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load window's cut of a recording, on the H100 recording of testdata/cupti: what is kept and left out equals
 * tools/cupti_cut_check.py's count from the raw CSV (testdata/expected/cupti-cut.json), the cut file reads as a
 * recording, and it says what was cut.
 */
class CuptiWindowCutTest {
    @TempDir
    Path dir;

    private Path recording() throws IOException {
        Path bin = dir.resolve("cupti-4242.bin");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                Fixtures.root().resolve("testdata/cupti/glm8-eager-decode-31passes.bin.gz")))) {
            Files.copy(in, bin);
        }
        return bin;
    }

    private static JsonNode expected() throws IOException {
        return Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/cupti-cut.json").toFile());
    }

    /** The recording cut to the expectation's window. */
    private static CuptiWindowCut.Counts cut(Path bin, JsonNode e) throws IOException {
        return CuptiWindowCut.cut(bin, e.get("cut_from_ns").asLong(), e.get("cut_to_ns").asLong());
    }

    @Test
    void keepsWhatOverlapsTheWindowAndSaysWhatWasCut() throws IOException {
        JsonNode e = expected();
        Path bin = recording();
        CuptiWindowCut.Counts c = cut(bin, e);
        long kernels = e.at("/kernels/kept").asLong();
        long api = e.at("/api_calls/kept").asLong();
        long before = e.at("/kernels/before").asLong() + e.at("/api_calls/before").asLong();
        long after = e.at("/kernels/after").asLong() + e.at("/api_calls/after").asLong();
        assertEquals(new CuptiWindowCut.Counts(kernels + api, before, after, 0), c);

        CuptiLoader.Result r = CuptiLoader.load(List.of(bin));
        TraceModel m = r.model();
        assertEquals(kernels, m.readCounts().of(autoglm.model.trace.EventKind.KERNEL));
        assertEquals(api, m.api().size());
        assertEquals(List.of(), r.errors());
        assertEquals(before, m.dataLoss().get(DataLoss.Group.SKIPPED)
                .get("CUPTI activity records before the load window, cut from the recording"));
        assertEquals(after, m.dataLoss().get(DataLoss.Group.SKIPPED)
                .get("CUPTI activity records after the load window, cut from the recording"));
        assertFalse(Files.exists(bin.resolveSibling(bin.getFileName() + ".cut.tmp")));
    }

    @Test
    void aSecondCutToTheSameWindowLeavesTheActivityAsItIs() throws IOException {
        JsonNode e = expected();
        Path bin = recording();
        CuptiWindowCut.Counts first = cut(bin, e);
        CuptiWindowCut.Counts second = cut(bin, e);
        assertEquals(new CuptiWindowCut.Counts(first.kept(), 0, 0, 0), second);
        assertEquals(e.at("/kernels/kept").asLong(),
                CuptiLoader.load(List.of(bin)).model().readCounts().of(autoglm.model.trace.EventKind.KERNEL));
    }
}
