package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autoglm completion bash|zsh}: the script picocli generates is sourced in a real bash, and its completion
 * function completes a subcommand, an option of a subcommand, and a parameter's values.
 */
class CompletionTest {
    @TempDir
    Path tmp;

    @Test
    void bashCompletesSubcommandsOptionsAndValues() throws Exception {
        Path bash = Path.of("/bin/bash");
        Assumptions.assumeTrue(Files.isExecutable(bash), "no /bin/bash here");
        Run r = Run.of("completion", "bash");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        Path script = tmp.resolve("autoglm.bash");
        Files.writeString(script, r.out());
        String probe = "source '" + script + "'\n"
                + "comp() { COMP_LINE=\"$1\"; COMP_WORDS=($1); [ \"${1: -1}\" = \" \" ] && COMP_WORDS+=(\"\");"
                + " COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_POINT=${#COMP_LINE}; COMPREPLY=();"
                + " _complete_autoglm autoglm \"${COMP_WORDS[$COMP_CWORD]}\" \"${COMP_WORDS[$COMP_CWORD-1]}\" 2>/dev/null;"
                + " echo \"${COMPREPLY[*]}\"; }\n"
                + "complete -p autoglm\ncomp 'autoglm pro'\ncomp 'autoglm profile --verify-r'\ncomp 'autoglm completion '\n";
        Process p = new ProcessBuilder(bash.toString(), "--norc", "-c", probe).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String[] lines = out.split("\n");
        assertEquals("complete -o default -F _complete_autoglm autoglm", lines[0], out);
        assertEquals("profile", lines[1], out);
        assertEquals("--verify-runs", lines[2], out);
        assertEquals("bash zsh", lines[3], out);
    }

    @Test
    void zshGetsTheSameScriptWhichLoadsBashcompinit() {
        Run r = Run.of("completion", "zsh");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.out().contains("autoload -U +X bashcompinit && bashcompinit"), r.out());
        Run bad = Run.of("completion", "fish");
        assertEquals(ExitCodes.BAD_INPUT, bad.code());
        assertEquals(1, bad.err().lines().count(), bad.err());
    }
}
