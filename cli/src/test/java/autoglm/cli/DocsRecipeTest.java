package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The CI recipes of docs/ci.md parse as YAML, and every ./autoglm line in them parses as autoglm options. */
class DocsRecipeTest {
    @Test
    void recipesParse() throws Exception {
        String doc = Files.readString(Fixtures.root().resolve("docs/ci.md"));
        Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(doc);
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String> commands = new ArrayList<>();
        int blocks = 0;
        while (m.find()) {
            JsonNode root = yaml.readTree(m.group(1));
            assertTrue(root.isObject());
            blocks++;
            Matcher c = Pattern.compile("\\./autoglm ([^\\n]+)").matcher(m.group(1));
            while (c.find()) {
                commands.add(c.group(1).trim());
            }
        }
        assertEquals(2, blocks, "GitHub Actions and GitLab");
        assertTrue(commands.size() >= 5, commands.toString());
        for (String cmd : commands) {
            List<String> args = new ArrayList<>(Arrays.asList(cmd.split("\\s+")));
            Io io = new Io(new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), false);
            // parse only: options and values must be ones autoglm knows
            Main.commandLine(io).parseArgs(args.toArray(String[]::new));
        }
    }
}
