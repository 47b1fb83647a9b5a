package autoglm.record.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Follows a workload's events.jsonl while the workload writes it (the file's format: docs/formats.md): every
 * {@code intervalMs} it reads what was appended, and hands each whole line, parsed, to {@code sink}. A line not yet
 * ended is left for the next read; a line that does not parse is skipped (the run folder's reader counts it later).
 * {@link #close} reads what is left, then stops.
 */
public final class EventsTail implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Consumer<JsonNode> sink;
    private final Thread thread;
    private volatile boolean stopped;
    private long offset;
    private final StringBuilder partial = new StringBuilder();

    private EventsTail(Path file, Consumer<JsonNode> sink, long intervalMs) {
        this.file = file;
        this.sink = sink;
        this.thread = new Thread(() -> {
            while (!stopped) {
                poll();
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "events-tail");
        thread.setDaemon(true);
    }

    /** Follows {@code file} (which may not exist yet) every {@code intervalMs}. */
    public static EventsTail start(Path file, Consumer<JsonNode> sink, long intervalMs) {
        EventsTail t = new EventsTail(file, sink, intervalMs);
        t.thread.start();
        return t;
    }

    /** Reads what was appended since the last read. */
    synchronized void poll() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            if (length <= offset) {
                return;
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, 16 << 20)];
            f.seek(offset);
            f.readFully(bytes);
            offset += bytes.length;
            partial.append(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return;
        }
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, nl).trim();
            partial.delete(0, nl + 1);
            if (line.isEmpty()) {
                continue;
            }
            try {
                sink.accept(JSON.readTree(line));
            } catch (IOException malformed) {
                // counted by the run folder's reader, not here
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poll();
    }
}
