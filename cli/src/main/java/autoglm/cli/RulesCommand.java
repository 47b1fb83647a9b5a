package autoglm.cli;

import autoglm.report.RulesReport;
import autoglm.rules.RuleCatalogue;
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

    @Mixin
    RuleOptions rules = new RuleOptions();

    public RulesCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        RuleCatalogue catalogue = rules.catalogue();
        RulesReport r = format == Format.markdown ? RulesReport.markdown()
                : format == Format.json ? RulesReport.json() : RulesReport.text();
        Output.stdout(io, w -> r.write(catalogue, w));
        return ExitCodes.OK;
    }
}
