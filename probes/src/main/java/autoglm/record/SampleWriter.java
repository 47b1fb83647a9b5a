package autoglm.record;

import autoglm.read.run.SampleCsv;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Appends samples of one kind to their CSV file as they come, so that a run stopped at any moment keeps
 * what was sampled up to the last flush. Thread-safe: one sampler thread writes, the main thread closes.
 */
public final class SampleWriter<T> implements Closeable {
    private final SampleCsv.Format<T> format;
    private final BufferedWriter out;
    private long rows;

    public SampleWriter(Path dir, SampleCsv.Format<T> format) throws IOException {
        this.format = format;
        this.out = Files.newBufferedWriter(dir.resolve(format.file()), StandardCharsets.UTF_8);
        out.write(SampleCsv.header(format));
        out.write('\n');
        out.flush();
    }

    public synchronized void write(T sample) throws IOException {
        out.write(format.row(sample));
        out.write('\n');
        rows++;
    }

    public synchronized void flush() throws IOException {
        out.flush();
    }

    public synchronized long rows() {
        return rows;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
