package autoglm.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file so that nothing is lost or clobbered (docs/user-guide.md "Output files"):
 * <ul>
 * <li>a regular file (or a new one) is replaced atomically: the body goes to a temporary file made by
 *     {@link Files#createTempFile} in the same folder (a unique name, created exclusively, so a link
 *     planted there is never followed), forced to disk, then renamed over the target; on any failure the
 *     temporary file is removed and the target is left as it was;</li>
 * <li>a symbolic link to a regular file replaces the file it points to, and the link stays;</li>
 * <li>anything else that exists (a device such as /dev/null, a FIFO, a pipe) is written in place, never
 *     replaced; so is every path under /dev and /proc ({@code -o /dev/stdout} writes to whatever standard
 *     output is, a pipe, a terminal or a file the shell opened, and appends where the shell appends).</li>
 * </ul>
 * Write errors (a full disk, /dev/full) come out as {@link IOException}s whose message says why.
 */
public final class SafeFiles {
    /** Something that writes bytes. */
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    private static final Set<PosixFilePermission> DEFAULT_MODE = PosixFilePermissions.fromString("rw-r--r--");

    private SafeFiles() {
    }

    /** Writes {@code target} as described above. */
    public static void write(Path target, Body body) throws IOException {
        if (inPlace(target)) {
            // a device, a FIFO, /dev/stdout: written where it is (through its links), never replaced
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE)) {
                body.write(out);
            }
            return;
        }
        Path real = resolve(target);
        Path dir = real.toAbsolutePath().getParent();
        String name = real.getFileName().toString();
        // the temporary name must fit NAME_MAX (255 bytes) with createTempFile's random part
        String prefix = "." + (name.length() > 60 ? name.substring(0, 60) : name) + ".";
        Path tmp = Files.createTempFile(dir, prefix, ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                    OutputStream out = Channels.newOutputStream(ch)) {
                body.write(out);
                out.flush();
                ch.force(false);
            }
            mode(tmp, real);
            Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Whether {@code target} is written in place: it exists (links followed) and is not a regular file, or
     * it lies under /dev or /proc (/dev/stdout, /proc/self/fd/1), whatever it leads to.
     */
    public static boolean inPlace(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        if (abs.startsWith("/dev/") || abs.startsWith("/proc/")) {
            return Files.exists(target);
        }
        return Files.exists(target) && !Files.isRegularFile(target);
    }

    /**
     * Where a write to {@code target} goes: the target, or the file a symbolic link points to. A link to a
     * file that does not exist is refused: writing through it would create a file somewhere the user did
     * not name.
     */
    public static Path resolve(Path target) throws IOException {
        if (!Files.isSymbolicLink(target)) {
            return target;
        }
        try {
            return target.toRealPath();
        } catch (NoSuchFileException e) {
            throw new FileSystemException(target.toString(), null, "a symbolic link to a file that does not exist");
        }
    }

    /** The replaced file's permissions, or rw-r--r-- for a new file (createTempFile makes rw-------). */
    private static void mode(Path tmp, Path real) {
        try {
            Set<PosixFilePermission> p = Files.exists(real) ? Files.getPosixFilePermissions(real) : DEFAULT_MODE;
            Files.setPosixFilePermissions(tmp, p);
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: the temporary file's own permissions stay
        }
    }

    /** One line for a failed write: "No space left on device", without the path the caller names already. */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return SafeText.oneLine(f.getReason());
        }
        // these carry only the path as their message: say what happened, not the exception's class
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a file of that name exists";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof java.nio.file.NotDirectoryException) {
            return "not a folder";
        }

        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return SafeText.oneLine(m);
    }
}
