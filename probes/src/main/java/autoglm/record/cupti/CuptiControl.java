package autoglm.record.cupti;

import autoglm.read.cupti.CuptiLoader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Asks the injected libraries of a run to write what they hold: autoglm writes a number into
 * {@code flush.request} in the run folder; each library polls it every 100 ms, flushes CUPTI's buffers
 * and answers in {@code cupti-PID.ack}. Used before autoglm stops the command, because a process ended
 * by SIGTERM or SIGKILL never runs its exit handlers.
 */
public final class CuptiControl {
    static final String REQUEST = "flush.request";
    private final Path folder;
    private long asked;

    public CuptiControl(Path folder) {
        this.folder = folder;
    }

    /** Requests a flush and waits until every recording process answered or {@code timeoutMs} passed; true if all did. */
    public synchronized boolean flush(long timeoutMs) {
        long n = ++asked;
        try {
            Path tmp = folder.resolve(REQUEST + ".tmp");
            Files.writeString(tmp, n + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, folder.resolve(REQUEST), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            return false;
        }
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            if (allAnswered(n)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private boolean allAnswered(long n) {
        for (Path r : CuptiLoader.recordings(folder)) {
            String name = r.getFileName().toString();
            if (!name.endsWith(".bin") || !alive(name)) {
                continue; // a process that exited wrote everything at exit
            }
            Path ack = folder.resolve(name.substring(0, name.length() - 4) + ".ack");
            try {
                if (!Files.exists(ack) || Long.parseLong(Files.readString(ack).trim()) < n) {
                    return false;
                }
            } catch (IOException | NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    /** Whether the process of cupti-PID.bin is still running (a process that exited has nothing left to flush). */
    private static boolean alive(String recording) {
        try {
            long pid = Long.parseLong(recording.substring("cupti-".length(), recording.length() - ".bin".length()));
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Removes the request and answer files; the recordings stay. */
    public void cleanUp() {
        try (var s = Files.list(folder)) {
            s.filter(p -> {
                String n = p.getFileName().toString();
                return n.equals(REQUEST) || n.equals(REQUEST + ".tmp") || n.startsWith("cupti-") && n.contains(".ack");
            }).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a leftover control file does no harm
                }
            });
        } catch (IOException ignored) {
            // the folder is gone or unreadable: nothing to clean
        }
    }
}
