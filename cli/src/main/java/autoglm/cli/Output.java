package autoglm.cli;

import autoglm.util.BadInputException;
import autoglm.util.SafeFiles;
import autoglm.util.SafeText;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a report to stdout or to a file given by an option. Files go through {@link SafeFiles}: a regular
 * file is replaced atomically, a device or FIFO is written in place, and a failed write (a full disk,
 * /dev/full, standard output closed) is bad input or environment: one line naming the option, exit 2.
 */
final class Output {
    /** Something that writes text. */
    interface Body {
        void write(Writer w) throws IOException;
    }

    private Output() {
    }

    /** Refuses an output path that cannot be written, before any work is done; names the user's option. */
    static void checkWritable(String option, Path file) {
        if (file == null) {
            return;
        }
        String what = option + " " + SafeText.safe(file.toString());
        if (SafeFiles.inPlace(file)) {
            // a device, FIFO or /dev/stdout: written in place
            if (!Files.isWritable(file)) {
                throw new BadInputException(what + ": not writable");
            }
            return;
        }
        Path real;
        try {
            real = SafeFiles.resolve(file);
        } catch (IOException e) {
            throw new BadInputException(what + ": " + SafeFiles.reason(e));
        }
        if (Files.isDirectory(real)) {
            throw new BadInputException(what + ": is a directory");
        }
        Path dir = real.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new BadInputException(what + ": the folder does not exist");
        }
        // the report is written to a temporary file beside it, then moved into place
        if (!Files.isWritable(dir) || (Files.exists(real) && !Files.isWritable(real))) {
            throw new BadInputException(what + ": not writable");
        }
    }

    /** Writes to stdout ({@code file} null) or to the file, then says "wrote FILE" on stderr. */
    static void write(Io io, String option, Path file, Body body) {
        if (file == null) {
            stdout(io, body);
            return;
        }
        writeFile(option, file, body);
        io.say("wrote " + SafeText.safe(file.toString()));
    }

    /** Text to standard output; an output that cannot take it (a full disk, /dev/full) is an error. */
    static void stdout(Io io, Body body) {
        Writer w = new OutputStreamWriter(io.out(), StandardCharsets.UTF_8);
        try {
            body.write(w);
            w.flush();
        } catch (IOException e) {
            throw new BadInputException("cannot write to standard output: " + SafeFiles.reason(e));
        }
        if (io.out().checkError()) {
            throw new BadInputException("cannot write to standard output (a full disk or a closed pipe?)");
        }
    }

    /** Writes a text file safely; says nothing. */
    static void writeFile(String option, Path file, Body body) {
        writeBytes(option, file, out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            body.write(w);
            w.flush();
        });
    }

    /** Writes a file safely from a byte stream; says nothing. */
    static void writeBytes(String option, Path file, SafeFiles.Body body) {
        try {
            SafeFiles.write(file, body);
        } catch (IOException e) {
            throw new BadInputException(option + " " + SafeText.safe(file.toString()) + ": cannot write ("
                    + SafeFiles.reason(e) + ")");
        }
    }

    /** A stream that must not be closed by the body (the caller owns it). */
    static OutputStream unclosable(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
