package autoglm.record;

import autoglm.read.run.SampleCsv;
import autoglm.util.CsvFile;
import com.fasterxml.jackson.databind.SequenceWriter;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Appends samples of one kind to their CSV file as they come (the row record of {@link SampleCsv}, written by
 * {@link CsvFile}: the reader's declaration), so that a run stopped at any moment keeps what was sampled up to the
 * last flush. Thread-safe: one sampler thread writes, the main thread closes.
 */
public final class SampleWriter<T> implements Closeable {
    private final SampleCsv.Format<T, ?> format;
    private final BufferedWriter file;
    private final SequenceWriter out;
    private long rows;

    public SampleWriter(Path dir, SampleCsv.Format<T, ?> format) throws IOException {
        this.format = format;
        this.file = Files.newBufferedWriter(dir.resolve(format.file()), StandardCharsets.UTF_8);
        this.out = CsvFile.writer(format.row(), file);
        out.flush();
        file.flush();
    }

    public synchronized void write(T sample) throws IOException {
        out.write(format.toRow().apply(sample));
        rows++;
    }

    public synchronized void flush() throws IOException {
        out.flush();
        file.flush();
    }

    public synchronized long rows() {
        return rows;
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            out.close();
        } finally {
            file.close();
        }
    }
}
