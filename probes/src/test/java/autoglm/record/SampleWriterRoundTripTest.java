package autoglm.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import autoglm.Fixtures;
import autoglm.read.run.SampleCsv;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpu.csv, gpm.csv and host.csv of real runs (testdata/runs/h100-replay, recorded on an H100, and the host samples
 * of testdata/load) read by SampleCsv and written again by the sampler's SampleWriter: the same bytes as recorded,
 * and the same samples when read back. A file cut mid-row by a kill keeps its other rows and counts the cut one.
 */
class SampleWriterRoundTripTest {
    @TempDir
    Path tmp;

    private static final List<String> RUNS = List.of("runs/h100-replay", "load/agent-glm-tiny",
            "load/agent-image-heavy", "load/synthetic-one-length");

    @Test
    void recordedSamplesWrittenAgainAreTheSameBytesAndReadBackTheSame() throws IOException {
        int files = 0;
        for (String name : RUNS) {
            Path run = Fixtures.root().resolve("testdata").resolve(name);
            for (SampleCsv.Format<?, ?> f : List.of(SampleCsv.GPU, SampleCsv.GPM, SampleCsv.HOST)) {
                if (Files.exists(run.resolve(f.file()))) {
                    roundTrip(run, f);
                    files++;
                }
            }
        }
        assertEquals(5, files);
    }

    private <T> void roundTrip(Path run, SampleCsv.Format<T, ?> f) throws IOException {
        Map<String, Long> loss = new LinkedHashMap<>();
        List<T> samples = SampleCsv.read(run, f, loss);
        assertEquals(Map.of(), loss, run + "/" + f.file());
        assertEquals(plainRows(run.resolve(f.file())), samples.size(), run + "/" + f.file());
        Path out = Files.createDirectories(tmp.resolve(run.getFileName().toString()));
        try (SampleWriter<T> w = new SampleWriter<>(out, f)) {
            for (T s : samples) {
                w.write(s);
            }
        }
        assertEquals(Files.readString(run.resolve(f.file())), Files.readString(out.resolve(f.file())),
                run + "/" + f.file());
        assertEquals(samples, SampleCsv.read(out, f, loss), run + "/" + f.file());
    }

    /** The rows of a CSV file read with no row record. */
    private static int plainRows(Path file) throws IOException {
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            return it.readAll().size();
        }
    }

    @Test
    void aRowCutByAKillIsCountedAndTheOthersRead() throws IOException {
        Path run = Fixtures.root().resolve("testdata/runs/h100-replay");
        String text = Files.readString(run.resolve("gpu.csv"));
        int rows = (int) text.lines().count() - 1;
        int last = text.lastIndexOf('\n', text.length() - 2) + 1;
        Files.writeString(tmp.resolve("gpu.csv"), text.substring(0, (last + text.length()) / 2)); // mid-row
        Map<String, Long> loss = new LinkedHashMap<>();
        assertEquals(rows - 1, SampleCsv.read(tmp, SampleCsv.GPU, loss).size());
        assertEquals(Map.of("gpu.csv: unreadable rows", 1L), loss);
    }

    @Test
    void aValueThatIsNotFiniteIsReadAsBadAndCounted() throws IOException {
        Path run = Fixtures.root().resolve("testdata/runs/h100-replay");
        List<String> lines = Files.readAllLines(run.resolve("gpu.csv"));
        String[] cells = lines.get(1).split(",", -1);
        cells[3] = "NaN"; // util_pct
        Files.write(tmp.resolve("gpu.csv"), List.of(lines.get(0), String.join(",", cells)));
        Map<String, Long> loss = new LinkedHashMap<>();
        List<autoglm.model.run.GpuSample> s = SampleCsv.read(tmp, SampleCsv.GPU, loss);
        assertEquals(Double.POSITIVE_INFINITY, s.get(0).utilPct());
        assertEquals(Map.of("gpu.csv: rows with a value that is not a finite number (NaN, Infinity)", 1L), loss);
    }
}
