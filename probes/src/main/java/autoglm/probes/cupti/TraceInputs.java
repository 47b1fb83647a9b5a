package autoglm.probes.cupti;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens a file for a quick look at its first bytes, through gzip when it is gzipped. */
final class TraceInputs {
    private TraceInputs() {
    }

    static InputStream open(Path p) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(p));
        raw.mark(2);
        int a = raw.read();
        int b = raw.read();
        raw.reset();
        return a == 0x1f && b == 0x8b ? new GZIPInputStream(raw) : raw;
    }
}
