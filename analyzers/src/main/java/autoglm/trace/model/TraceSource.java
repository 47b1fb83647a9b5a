package autoglm.trace.model;

/** Where a model came from: the file, whether it was gzipped, its sizes and the time reading took. */
public record TraceSource(String path, boolean gzip, long fileBytes, long jsonBytes, long events, long readNanos) {
    /** Uncompressed JSON read per second of wall time, in MB (10^6 bytes). */
    public double megabytesPerSecond() {
        return readNanos <= 0 ? Double.NaN : jsonBytes / 1e6 / (readNanos / 1e9);
    }
}
