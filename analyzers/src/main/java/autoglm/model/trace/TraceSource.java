package autoglm.model.trace;

/**
 * Where a model came from: the file(s), their format ("Kineto JSON", "CUPTI recording"), whether they
 * were gzipped, their sizes on disk and uncompressed, the events or records read, and the time reading took.
 */
public record TraceSource(String path, boolean gzip, long fileBytes, long jsonBytes, long events, long readNanos,
        String format) {
    public static final String KINETO = "Kineto JSON";
    public static final String CUPTI = "CUPTI recording";

    public TraceSource(String path, boolean gzip, long fileBytes, long jsonBytes, long events, long readNanos) {
        this(path, gzip, fileBytes, jsonBytes, events, readNanos, KINETO);
    }

    /** Uncompressed bytes read per second of wall time, in MB (10^6 bytes). */
    public double megabytesPerSecond() {
        return readNanos <= 0 ? Double.NaN : jsonBytes / 1e6 / (readNanos / 1e9);
    }
}
