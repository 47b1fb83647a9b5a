package autoglm.util;

import autoglm.util.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Guards for files autoglm reads. Only regular files are read: a FIFO would block forever, a device never
 * end. Configuration (thresholds, rules) is bounded in size: a YAML parser given megabytes of one scalar
 * takes time that grows faster than the input, and no real configuration is near the bound.
 */
public final class InputFiles {
    /** The largest thresholds or rules file read: 1 MiB (the bundled rules files are 2-15 KiB each). */
    public static final long CONFIG_MAX_BYTES = 1 << 20;

    private InputFiles() {
    }

    /** Throws one line of bad input unless {@code file} is a regular file (a link to one is fine). */
    public static void requireRegular(String what, Path file) {
        if (Files.isRegularFile(file)) {
            return;
        }
        String name = what + ": ";
        if (!Files.exists(file)) {
            throw new BadInputException(name + "no such file");
        }
        throw new BadInputException(name + (Files.isDirectory(file) ? "a folder, not a file"
                : "not a regular file (a FIFO or a device?): only regular files are read"));
    }

    /** The bytes of a configuration file: a regular file of at most {@link #CONFIG_MAX_BYTES}. */
    public static byte[] readConfig(String what, Path file) {
        requireRegular(what, file);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes((int) CONFIG_MAX_BYTES + 1);
            if (b.length > CONFIG_MAX_BYTES) {
                throw new BadInputException(what + ": larger than " + (CONFIG_MAX_BYTES >> 10)
                        + " KiB, too large for a configuration file");
            }
            return b;
        } catch (NoSuchFileException e) {
            throw new BadInputException(what + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(what + ": cannot read (" + SafeFiles.reason(e) + ")");
        }
    }
}
