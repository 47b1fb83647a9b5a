package autoglm.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a report to stdout or to a file. */
final class Output {
    /** Something that writes text. */
    interface Body {
        void write(Writer w) throws IOException;
    }

    private Output() {
    }

    /** Refuses an output path that cannot be written, before any work is done. */
    static void checkWritable(Path file) {
        if (file == null) {
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("--output " + file + ": is a directory");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--output " + file + ": the folder does not exist");
        }
        // the report is written to a temporary file beside it, then moved into place
        if (!Files.isWritable(dir) || (Files.exists(file) && !Files.isWritable(file))) {
            throw new IllegalArgumentException("--output " + file + ": not writable");
        }
    }

    static void write(Io io, Path file, Body body) throws IOException {
        if (file == null) {
            Writer w = new OutputStreamWriter(io.out(), StandardCharsets.UTF_8);
            body.write(w);
            w.flush();
            return;
        }
        writeFile(file, body);
        io.err().println("autoglm: wrote " + file);
    }

    /** Writes a file through a temporary one beside it, moved into place when complete; says nothing. */
    static void writeFile(Path file, Body body) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            body.write(w);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

}
