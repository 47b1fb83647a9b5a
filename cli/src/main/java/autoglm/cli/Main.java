package autoglm.cli;

import autoglm.trace.read.BadInputException;
import picocli.CommandLine;

/** Entry point: builds the command line over injected streams and maps every failure to an exit code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(Io.system(), args));
    }

    /** Runs a command line; returns its exit code. Never throws. */
    public static int run(Io io, String... args) {
        CommandLine cl = commandLine(io);
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            io.err().println("autoglm: out of memory; give Java more with AUTOGLM_JAVA_OPTS=-Xmx4g");
            return ExitCodes.BAD_INPUT;
        } catch (StackOverflowError e) {
            io.err().println("autoglm: the input is nested too deeply to read");
            return ExitCodes.BAD_INPUT;
        }
    }

    static CommandLine commandLine(Io io) {
        CommandLine cl = new CommandLine(new AutoglmCommand(io));
        cl.addSubcommand("diagnose", new DiagnoseCommand(io));
        cl.addSubcommand("profile", new ProfileCommand(io));
        cl.addSubcommand("doctor", new DoctorCommand(io));
        cl.addSubcommand("gate", new GateCommand(io));
        cl.addSubcommand("compare", new CompareCommand(io));
        cl.addSubcommand("export", new ExportCommand(io));
        cl.addSubcommand("rules", new RulesCommand(io));
        cl.addSubcommand("bench-read", new BenchReadCommand(io));
        cl.setOut(new java.io.PrintWriter(io.out(), true));
        cl.setErr(new java.io.PrintWriter(io.err(), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, argv) -> {
            String sub = ex.getCommandLine().getCommandName();
            io.err().println("autoglm: " + ex.getMessage() + " (see: autoglm "
                    + (sub.equals("autoglm") ? "" : sub + " ") + "--help)");
            return ExitCodes.BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, command, parseResult) -> {
            if (ex instanceof BadInputException || ex instanceof IllegalArgumentException) {
                io.err().println("autoglm: " + ex.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            if (ex instanceof java.io.IOException) {
                io.err().println("autoglm: " + ex.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            io.err().println("autoglm: internal error: " + ex + " (please report this with the command line)");
            return ExitCodes.INTERNAL_ERROR;
        });
        return cl;
    }
}
