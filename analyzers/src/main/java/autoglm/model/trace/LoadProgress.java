package autoglm.model.trace;

/** Told now and then how far a trace file has been read: file bytes read of the file's size, events so far. */
@FunctionalInterface
public interface LoadProgress {
    LoadProgress NONE = (file, read, total, events) -> {
    };

    void update(String file, long fileBytesRead, long fileBytes, long events);
}
