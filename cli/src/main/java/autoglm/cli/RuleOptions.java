package autoglm.cli;

import autoglm.util.BadInputException;
import autoglm.analyse.AnalysisSettings;
import autoglm.diagnose.Diagnoser;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.Severity;
import autoglm.rules.ThresholdOverrides;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which rules run and how strictly: --rules, --set, --fail-on. Shared by diagnose, profile and gate. */
public final class RuleOptions {
    @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "none",
            description = "exit with 1 when a finding reaches this severity: none (default), info or warning")
    String failOn;

    @Option(names = "--set", paramLabel = "RULE.THRESHOLD=VALUE",
            description = "override a rule threshold (see autoglm rules), or an analysis setting as analysis.NAME=VALUE; repeatable")
    List<String> settings = new ArrayList<>();

    @Option(names = "--rules", paramLabel = "DIR", description = "load the rules from DIR/*.yaml instead of the bundled catalogue")
    Path rulesDir;

    RuleCatalogue catalogue() {
        if (rulesDir == null) {
            return RuleCatalogue.bundled();
        }
        if (!Files.isDirectory(rulesDir)) {
            throw new BadInputException("--rules " + rulesDir + ": not a directory");
        }
        try {
            return RuleCatalogue.load(rulesDir);
        } catch (IOException e) {
            throw new BadInputException("--rules " + rulesDir + ": " + autoglm.util.SafeFiles.reason(e));
        } catch (IllegalArgumentException e) {
            // a rule file that does not load: its message names the file and key
            throw new BadInputException("--rules " + rulesDir + ": " + e.getMessage());
        }
    }

    /** A diagnoser with these rules, threshold overrides and analysis settings (all checked here). */
    Diagnoser diagnoser() {
        if (rulesDir == null && parsed().stream().allMatch(kv -> kv[0].equals("analysis"))) {
            // the bundled rules as they are: loaded while the inputs are read
            return Diagnoser.withBundledRules(analysisSettings());
        }
        RuleCatalogue catalogue = catalogue();
        return new Diagnoser(catalogue, thresholds(catalogue), analysisSettings());
    }

    /** The severity that fails the run, or null for none. */
    Severity failOnSeverity() {
        if (failOn == null || failOn.equalsIgnoreCase("none")) {
            return null;
        }
        Severity s;
        try {
            s = Severity.ofKey(failOn);
        } catch (IllegalArgumentException e) {
            s = null;
        }
        if (s != Severity.INFO && s != Severity.WARNING) {
            throw new BadInputException("--fail-on takes none, info or warning, not '" + failOn + "'");
        }
        return s;
    }

    ThresholdOverrides thresholds(RuleCatalogue catalogue) {
        Map<String, Map<String, Double>> byRule = new LinkedHashMap<>();
        for (String[] kv : parsed()) {
            if (!kv[0].equals("analysis")) {
                byRule.computeIfAbsent(kv[0], k -> new LinkedHashMap<>()).put(kv[1], Double.parseDouble(kv[2]));
            }
        }
        try {
            return ThresholdOverrides.of(catalogue, byRule);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--set: " + e.getMessage());
        }
    }

    AnalysisSettings analysisSettings() {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String[] kv : parsed()) {
            if (kv[0].equals("analysis")) {
                values.put(kv[1], Double.parseDouble(kv[2]));
            }
        }
        try {
            return AnalysisSettings.of(values);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--set: " + e.getMessage());
        }
    }

    /** The --set overrides in force, NAME -> VALUE as given (the reports show them). */
    Map<String, String> overrides() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String[] kv : parsed()) {
            out.put(kv[0] + "." + kv[1], kv[2]);
        }
        return out;
    }

    /** Each --set as {rule or "analysis", name, value}, checked for shape and a numeric value. */
    private List<String[]> parsed() {
        List<String[]> out = new ArrayList<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            int dot = eq < 0 ? -1 : s.lastIndexOf('.', eq);
            if (eq < 0 || dot <= 0 || dot + 1 >= eq) {
                throw new BadInputException("--set " + s + ": expected RULE.THRESHOLD=VALUE or analysis.NAME=VALUE");
            }
            String value = s.substring(eq + 1).trim();
            try {
                double v = Double.parseDouble(value);
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new BadInputException("--set " + s + ": '" + value + "' is not a number");
            }
            out.add(new String[] {s.substring(0, dot), s.substring(dot + 1, eq), value});
        }
        return out;
    }
}
