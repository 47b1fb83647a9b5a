package autoglm.read.trace;

import autoglm.util.BadInputException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Opens a trace file for streaming. Gzip is detected by its magic bytes (1f 8b), never by the
 * file name. Missing, unreadable, empty and directory paths are refused with one clear line.
 */
public final class TraceInput implements AutoCloseable {
    private static final int BUFFER = 1 << 16;

    private final Path path;
    private final boolean gzip;
    private final long fileBytes;
    private final CountingInputStream counted;
    private final InputStream stream;

    private final CountingInputStream fileCounted;
    private byte[] bytes;

    private TraceInput(Path path, boolean gzip, long fileBytes, CountingInputStream counted, InputStream stream,
            CountingInputStream fileCounted) {
        this.fileCounted = fileCounted;
        this.path = path;
        this.gzip = gzip;
        this.fileBytes = fileBytes;
        this.counted = counted;
        this.stream = stream;
    }

    public static TraceInput open(Path path) {
        if (!Files.exists(path)) {
            throw new BadInputException(path + ": no such file");
        }
        if (Files.isDirectory(path)) {
            throw new BadInputException(path + ": is a directory, not a trace file");
        }
        autoglm.util.InputFiles.requireRegular(path.toString(), path);
        if (!Files.isReadable(path)) {
            throw new BadInputException(path + ": not readable (permission denied)");
        }
        try {
            long size = Files.size(path);
            if (size == 0) {
                throw new BadInputException(path + ": the file is empty");
            }
            CountingInputStream file = new CountingInputStream(Files.newInputStream(path));
            InputStream raw = new BufferedInputStream(file, BUFFER);
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gz = b0 == 0x1f && b1 == 0x8b;
            InputStream body = raw;
            if (gz) {
                try {
                    body = new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
                } catch (IOException e) {
                    raw.close();
                    throw new BadInputException(path + ": gzip header is corrupt or truncated (" + e.getMessage() + ")", e);
                }
            }
            CountingInputStream counting = new CountingInputStream(body);
            return new TraceInput(path, gz, size, counting, counting, file);
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** JSON text already in memory (a chunk of a larger trace), read as if it were the file {@code path}. */
    public static TraceInput ofBytes(Path path, byte[] json) {
        CountingInputStream counting = new CountingInputStream(new java.io.ByteArrayInputStream(json));
        TraceInput input = new TraceInput(path, false, json.length, counting, counting, counting);
        input.bytes = json;
        return input;
    }

    /** The JSON text when it is already in memory ({@link #ofBytes}), else null. */
    byte[] bytes() {
        return bytes;
    }

    public Path path() {
        return path;
    }

    public boolean gzip() {
        return gzip;
    }

    /** Bytes of the file read so far (compressed bytes for gzip), for progress. */
    public long fileBytesRead() {
        return fileCounted.count();
    }

    /** Size of the file on disk. */
    public long fileBytes() {
        return fileBytes;
    }

    /** Bytes of (uncompressed) JSON read so far. */
    public long jsonBytesRead() {
        return counted.count();
    }

    public InputStream stream() {
        return stream;
    }

    @Override
    public void close() {
        try {
            stream.close();
        } catch (IOException ignored) {
            // closing a read-only stream: nothing the user could act on
        }
    }
}
