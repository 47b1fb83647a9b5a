package autoglm.cli;

import autoglm.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level command: subcommands only. */
@Command(name = "autoglm", mixinStandardHelpOptions = true, versionProvider = AutoglmCommand.VersionProvider.class,
        description = "Finds out why LLM inference is slow and proves the fix.",
        subcommandsRepeatable = false)
public final class AutoglmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private final Io io;

    public AutoglmCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(io.err());
        return ExitCodes.BAD_INPUT;
    }

    /** Reports the build's version. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"autoglm " + Version.get()};
        }
    }
}
