package autoglm.cli;

import autoglm.util.BadInputException;
import autoglm.util.SafeText;
import picocli.CommandLine;

/** Entry point: builds the command line over injected streams and maps every failure to an exit code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(Io.system(), args));
    }

    /**
     * Runs a command line; returns its exit code. Never throws. Bad input or environment (a
     * {@link BadInputException}, an I/O error, a bad option) is exit 2 with one line; anything else is a bug:
     * exit 3, "internal error" and one line to report. Standard output that could not be written is exit 2.
     */
    public static int run(Io io, String... args) {
        CommandLine cl = commandLine(io);
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            io.err().println("autoglm: out of memory; give Java more with AUTOGLM_JAVA_OPTS=-Xmx4g");
            return ExitCodes.BAD_INPUT;
        } catch (StackOverflowError e) {
            io.err().println("autoglm: the input is nested too deeply to read");
            return ExitCodes.BAD_INPUT;
        } catch (LinkageError e) {
            // a Java runtime without a module autoglm needs (a jlink runtime without java.desktop for the charts)
            io.err().println("autoglm: this Java runtime lacks a class autoglm needs (" + line(e) + "): run autoglm "
                    + "with a full JDK, or a runtime that has the modules docs/architecture.md lists");
            return ExitCodes.BAD_INPUT;
        } catch (Error e) {
            io.err().println("autoglm: internal error: " + e.getClass().getName() + ": " + line(e)
                    + " (a bug: please report it with the command line)");
            return ExitCodes.INTERNAL_ERROR;
        }
        if (code <= ExitCodes.FINDINGS && io.out().checkError()) {
            io.err().println("autoglm: cannot write to standard output (a full disk or a closed pipe?)");
            return ExitCodes.BAD_INPUT;
        }
        return code;
    }

    /** An exception's message as one safe line (a YAML error spans several; a file name may hold escapes). */
    static String line(Throwable e) {
        String m = e.getMessage();
        return SafeText.oneLine(m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
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
        cl.addSubcommand("load", new LoadCommand(io));
        cl.addSubcommand("serve", new ServeCommand(io));
        cl.addSubcommand("completion", new CompletionCommand(io));
        // rules shares --rules and --set with the commands that diagnose, but exits on no finding: no --fail-on there
        picocli.CommandLine.Model.CommandSpec rules = cl.getSubcommands().get("rules").getCommandSpec();
        rules.remove(rules.findOption("--fail-on"));
        cl.setOut(new java.io.PrintWriter(io.out(), true));
        cl.setErr(new java.io.PrintWriter(io.err(), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // help as wide as the terminal (picocli asks it; 80 columns when piped)
        cl.setUsageHelpAutoWidth(true);
        DescriptionWrap.install(cl);
        cl.setParameterExceptionHandler((ex, argv) -> {
            String sub = ex.getCommandLine().getCommandName();
            io.err().println("autoglm: " + lowerFirst(line(ex)) + " (see: autoglm "
                    + (sub.equals("autoglm") ? "" : sub + " ") + "--help)");
            return ExitCodes.BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, command, parseResult) -> {
            if (ex instanceof BadInputException) {
                io.err().println("autoglm: " + line(ex));
                return ExitCodes.BAD_INPUT;
            }
            if (ex instanceof java.io.IOException) {
                // the environment: a file that vanished, a permission, a full disk
                io.err().println("autoglm: " + line(ex));
                return ExitCodes.BAD_INPUT;
            }
            StackTraceElement at = ex.getStackTrace().length > 0 ? ex.getStackTrace()[0] : null;
            io.err().println("autoglm: internal error: " + ex.getClass().getName() + ": " + line(ex)
                    + (at == null ? "" : " at " + at) + " (a bug: please report it with the command line)");
            return ExitCodes.INTERNAL_ERROR;
        });
        return cl;
    }

    /** picocli capitalises its messages ("Unknown option"); autoglm's start in lower case. */
    static String lowerFirst(String s) {
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s;
    }
}
