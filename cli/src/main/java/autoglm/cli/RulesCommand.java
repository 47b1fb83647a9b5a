package autoglm.cli;

import autoglm.report.MetricsMarkdown;
import autoglm.report.MetricsText;
import autoglm.report.RulesReport;
import autoglm.rules.RuleCatalogue;
import autoglm.util.BadInputException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code autoglm rules}: every rule with its thresholds and defaults, and the analysis settings. */
@Command(name = "rules", header = "List the rules, their thresholds and the settings.", mixinStandardHelpOptions = true,
        description = "List every rule with its thresholds (name, unit, default) and the analysis settings.")
public final class RulesCommand implements Callable<Integer> {
    /** Listing formats. */
    public enum Format {
        terminal, markdown, json
    }

    private final Io io;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "terminal",
            description = "terminal (default), markdown (docs/rules.md is made this way) or json")
    Format format;

    @Option(names = "--metrics", description = "list the metrics the analyses compute instead, by family, with unit, "
            + "meaning and the reason they are absent without their data: terminal, or markdown (docs/metrics.md is "
            + "made this way)")
    boolean metrics;

    @Mixin
    RuleOptions rules = new RuleOptions();

    public RulesCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        if (metrics) {
            if (format == Format.json) {
                throw new BadInputException("--metrics lists the metrics as terminal or markdown, not json");
            }
            Output.stdout(io, format == Format.markdown ? MetricsMarkdown::write : MetricsText::write);
            return ExitCodes.OK;
        }
        RuleCatalogue catalogue = rules.catalogue();
        RulesReport r = format == Format.markdown ? RulesReport.markdown()
                : format == Format.json ? RulesReport.json() : RulesReport.text();
        Output.stdout(io, w -> r.write(catalogue, w));
        return ExitCodes.OK;
    }
}
