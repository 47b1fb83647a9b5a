package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * autoglm profile in a real terminal: a 160x50 tmux pane runs a second JVM that profiles a command
 * printing a line every 0.3 s. Every line the command printed, and autoglm's own notices, must be on the
 * screen afterwards, in order; the progress shows in the pane's title meanwhile.
 */
class ProfileTerminalTest {
    @TempDir
    Path tmp;

    private static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(20, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void everyLineTheCommandPrintsStaysOnScreen() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "tmux is not installed");
        String socket = "autoglm-test-" + ProcessHandle.current().pid();
        Path script = tmp.resolve("run.sh");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(script, "cd " + tmp + "\n" + java + " -cp '" + System.getProperty("java.class.path")
                + "' autoglm.cli.Main profile --out " + tmp.resolve("runs") + " -o " + tmp.resolve("report.txt")
                + " -- sh -c 'for i in 0 1 2 3 4 5 6 7; do echo line-$i; sleep 0.3; done'\necho AUTOGLM-EXIT=$?\nsleep 60\n");
        run("tmux", "-L", socket, "new-session", "-d", "-x", "160", "-y", "50", "sh " + script);
        try {
            String screen = "";
            List<String> titles = new ArrayList<>();
            for (int i = 0; i < 600 && !screen.contains("AUTOGLM-EXIT="); i++) {
                Thread.sleep(100);
                titles.add(run("tmux", "-L", socket, "display", "-p", "#{pane_title}").strip());
                screen = run("tmux", "-L", socket, "capture-pane", "-p");
            }
            assertTrue(screen.contains("AUTOGLM-EXIT=0"), screen);
            List<String> lines = screen.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            List<String> printed = lines.stream().filter(l -> l.startsWith("line-")).toList();
            assertEquals(List.of("line-0", "line-1", "line-2", "line-3", "line-4", "line-5", "line-6", "line-7"), printed,
                    screen);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("autoglm: run kept in ")), screen);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("autoglm: wrote ")), screen);
            assertTrue(lines.indexOf("line-7") < lines.indexOf(lines.stream().filter(l -> l.startsWith("autoglm: run kept in "))
                    .findFirst().orElseThrow()), "in order: " + screen);
            assertTrue(titles.stream().anyMatch(t -> t.startsWith("autoglm: profiling sh: ")), titles.toString());
        } finally {
            run("tmux", "-L", socket, "kill-server");
        }
    }
}
