package autoglm.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command reports: format, destination, colour. Shared by every command that writes a diagnosis. */
public final class ReportOptions {
    /** Output formats. */
    public enum Format {
        terminal, json, markdown
    }

    /** When to colour terminal output. */
    public enum Colour {
        auto, always, never
    }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "terminal",
            description = "terminal (default), json (schema in docs/formats.md) or markdown (a summary for a pull request)")
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

    @Option(names = "--top-kernels", paramLabel = "N", defaultValue = "10",
            description = "kernels listed in the terminal report (default 10, 0 for none)")
    int topKernels;

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
