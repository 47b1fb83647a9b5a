package autoglm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pipeline of docs/architecture.md, checked on the sources of every module: each package belongs to one stage,
 * record -> read -> model -> analyse -> rules -> diagnose/verify -> report -> cli (record sits beside report: it
 * writes what read reads, and runs the workload that verify compares), and code only uses packages of its own or
 * an earlier stage. No package cycles.
 */
class ArchitectureTest {
    /** Stage of each package prefix (longest prefix wins) and the module it lives in. */
    private static final Object[][] STAGES = {
        {"autoglm", 0, "analyzers"}, {"autoglm.util", 0, "analyzers"},
        {"autoglm.model", 1, "analyzers"},
        {"autoglm.read", 2, "analyzers"},
        {"autoglm.analyse", 3, "analyzers"},
        {"autoglm.rules", 4, "analyzers"},
        {"autoglm.diagnose", 5, "analyzers"}, {"autoglm.verify", 5, "analyzers"}, {"autoglm.result", 5, "analyzers"},
        {"autoglm.gate", 5, "analyzers"}, {"autoglm.compare", 5, "analyzers"},
        {"autoglm.record", 6, "probes"}, {"autoglm.report", 6, "reports"},
        {"autoglm.cli", 7, "cli"},
    };
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern USE = Pattern.compile("\\b(autoglm(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    private static Object[] stage(String pkg) {
        Object[] best = null;
        for (Object[] s : STAGES) {
            String p = (String) s[0];
            if ((pkg.equals(p) || pkg.startsWith(p + ".")) && (best == null || p.length() > ((String) best[0]).length())) {
                best = s;
            }
        }
        return best;
    }

    private static Map<String, Set<String>> uses(List<String> problems) throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (String module : List.of("analyzers", "probes", "reports", "cli")) {
            Path src = Fixtures.root().resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                    String text = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
                    Matcher pm = PACKAGE.matcher(text);
                    String pkg = pm.find() ? pm.group(1) : "?";
                    Object[] st = stage(pkg);
                    if (st == null) {
                        problems.add(f + ": package " + pkg + " has no stage");
                        continue;
                    }
                    if (!st[2].equals(module)) {
                        problems.add(f + ": package " + pkg + " belongs in module " + st[2]);
                    }
                    Matcher m = USE.matcher(text);
                    while (m.find()) {
                        if (!m.group(1).equals(pkg)) {
                            uses.computeIfAbsent(pkg, k -> new TreeSet<>()).add(m.group(1));
                        }
                    }
                }
            }
        }
        return uses;
    }

    @Test
    void everyPackageUsesOnlyItsOwnOrEarlierStages() throws Exception {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> uses = uses(problems);
        for (Map.Entry<String, Set<String>> e : uses.entrySet()) {
            int from = (Integer) stage(e.getKey())[1];
            for (String used : e.getValue()) {
                Object[] st = stage(used);
                if (st != null && (Integer) st[1] > from) {
                    problems.add(e.getKey() + " (stage " + from + ") uses " + used + " (stage " + st[1] + ")");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void noPackageCycles() throws Exception {
        Map<String, Set<String>> uses = uses(new ArrayList<>());
        List<String> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            // a cycle through start: start reaches itself
            Set<String> seen = new TreeSet<>();
            List<String> todo = new ArrayList<>(uses.get(start));
            while (!todo.isEmpty()) {
                String p = todo.remove(todo.size() - 1);
                if (p.equals(start)) {
                    cycles.add(start);
                    break;
                }
                if (seen.add(p)) {
                    todo.addAll(uses.getOrDefault(p, Set.of()));
                }
            }
        }
        assertEquals(List.of(), cycles, "packages on a cycle");
    }

    /**
     * Inside the analyse stage, each subject uses only what they share ({@code autoglm.analyse}) and the subjects it
     * builds on: a load run's analyses read the trace's window and the workload's fits; a fleet is replicas (load)
     * and their GPUs (samples); ranks are traces. What they share uses no subject.
     */
    private static final Map<String, Set<String>> ANALYSE_SUBJECTS = Map.of(
            "autoglm.analyse", Set.of(),
            "autoglm.analyse.trace", Set.of("autoglm.analyse"),
            "autoglm.analyse.samples", Set.of("autoglm.analyse"),
            "autoglm.analyse.workload", Set.of("autoglm.analyse"),
            "autoglm.analyse.load", Set.of("autoglm.analyse", "autoglm.analyse.trace", "autoglm.analyse.workload"),
            "autoglm.analyse.fleet", Set.of("autoglm.analyse", "autoglm.analyse.load", "autoglm.analyse.samples",
                    "autoglm.analyse.trace"),
            "autoglm.analyse.ranks", Set.of("autoglm.analyse", "autoglm.analyse.trace"));

    @Test
    void analyseSubjectsUseOnlyWhatTheyBuildOn() throws Exception {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> uses = uses(problems);
        for (Map.Entry<String, Set<String>> e : uses.entrySet()) {
            if (!e.getKey().startsWith("autoglm.analyse")) {
                continue;
            }
            Set<String> allowed = ANALYSE_SUBJECTS.get(e.getKey());
            if (allowed == null) {
                problems.add(e.getKey() + " is no subject of analyse (ArchitectureTest.ANALYSE_SUBJECTS)");
                continue;
            }
            for (String used : e.getValue()) {
                if (used.startsWith("autoglm.analyse") && !allowed.contains(used)) {
                    problems.add(e.getKey() + " uses " + used);
                }
            }
        }
        assertEquals(List.of(), problems);
    }
}
