package autoglm.record.run;

import autoglm.util.BadInputException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the program a command line names, as execvp would: a path as given, a bare name on PATH. */
public final class CommandResolver {
    private CommandResolver() {
    }

    public static Path resolve(String program) {
        if (program == null || program.isEmpty()) {
            throw new BadInputException("no command given: autoglm profile [options] -- COMMAND [ARGS...]");
        }
        if (program.contains("/")) {
            Path p = Path.of(program);
            check(p, program);
            return p;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, program);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new BadInputException("command not found: " + program);
    }

    private static void check(Path p, String program) {
        if (!Files.exists(p)) {
            throw new BadInputException("command not found: " + program);
        }
        if (Files.isDirectory(p)) {
            throw new BadInputException("not a program: " + program + " is a directory");
        }
        if (!Files.isExecutable(p)) {
            throw new BadInputException("not executable: " + program + " (chmod +x, or name its interpreter first)");
        }
    }
}
