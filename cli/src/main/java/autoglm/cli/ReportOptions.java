package autoglm.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command reports: format, destination, colour. Shared by every command that writes a diagnosis. */
public final class ReportOptions {
    /** Output formats. */
    public enum Format {
        terminal, text, json, markdown, vllm_bench
    }

    /** "vllm-bench" on the command line; the rest by name, any case. */
    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            String v = value.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
            for (Format f : Format.values()) {
                if (f.name().equals(v)) {
                    return f;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "': terminal (or text), json, markdown "
                    + "or vllm-bench");
        }
    }

    /** When to colour terminal output. */
    public enum Colour {
        auto, always, never
    }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "terminal", converter = FormatConverter.class,
            description = "terminal (default; also text), json (schema in docs/formats.md), markdown (a summary for a "
                    + "pull request), or vllm-bench (a load run as vLLM's bench serve saves its result)")
    Format format;

    @Option(names = "--html", paramLabel = "FILE",
            description = "also write the report as one self-contained HTML file with charts")
    Path html;

    @Option(names = "--markdown", paramLabel = "FILE",
            description = "also write a short Markdown summary (for a pull-request comment)")
    Path markdown;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the report to FILE instead of stdout")
    Path output;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "colour the terminal report: auto (only on a terminal, unless NO_COLOR is set), always, never")
    Colour colour;

    @Option(names = "--explain", description = "include each finding's explanation in the terminal report")
    boolean explain;

    @Option(names = "--all", description = "list every rule that is not applicable, with the reason, in the terminal "
            + "report (by default they are counted on one line)")
    boolean all;

    int topKernels = 10;

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    @Option(names = "--top-kernels", paramLabel = "N", defaultValue = "10",
            description = "kernels listed in the terminal report (default 10, 0 for none)")
    void topKernels(int n) {
        if (n < 0) {
            throw new picocli.CommandLine.ParameterException(mixee.commandLine(),
                    "--top-kernels " + n + ": a count of kernels, 0 or more");
        }
        topKernels = n;
    }

    Integer width;

    @Option(names = "--width", paramLabel = "COLUMNS",
            description = "wrap the terminal report to COLUMNS (60 or more; default: the terminal's width, or 100 "
                    + "when the report goes to a file or a pipe)")
    void width(int columns) {
        if (columns < autoglm.report.TerminalReport.MIN_WIDTH || columns > 1000) {
            throw new picocli.CommandLine.ParameterException(mixee.commandLine(),
                    "--width " + columns + ": columns from " + autoglm.report.TerminalReport.MIN_WIDTH + " to 1000");
        }
        width = columns;
    }

    /** --width, else the terminal's width when the report goes to it, else the fixed default. */
    int width(Io io) {
        if (width != null) {
            return width;
        }
        return output == null && io.terminal() ? TerminalWidth.detect() : autoglm.report.TerminalReport.DEFAULT_WIDTH;
    }

    boolean useColour(Io io) {
        if (colour == Colour.always) {
            return true;
        }
        if (colour == Colour.never || output != null) {
            return false;
        }
        return io.terminal() && System.getenv("NO_COLOR") == null;
    }
}
