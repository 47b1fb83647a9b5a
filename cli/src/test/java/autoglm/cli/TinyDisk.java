package autoglm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real full disk: a tmpfs of a few pages mounted on a folder (root only, as in CI; elsewhere the test
 * is skipped and says why), filled with a file until only {@code freePages} 4 KiB pages are left.
 */
final class TinyDisk implements AutoCloseable {
    final Path dir;

    private TinyDisk(Path dir) {
        this.dir = dir;
    }

    static TinyDisk mount(Path dir, int pages, int freePages) throws Exception {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + pages * 4 + "k", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean ok = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        Assumptions.assumeTrue(ok, "cannot mount a tmpfs here (not root?): " + out.strip());
        TinyDisk d = new TinyDisk(dir);
        Files.write(dir.resolve("filler"), new byte[(pages - freePages) * 4096]);
        return d;
    }

    /** Frees the filler: the disk has room again. */
    void free() throws IOException {
        Files.deleteIfExists(dir.resolve("filler"));
    }

    @Override
    public void close() throws IOException {
        Process p = new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        try {
            p.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
