package autoglm.record.run;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/** Names a run folder: local start time, then the run's name (--name, else the script or program). */
public final class RunName {
    private static final Set<String> INTERPRETERS = Set.of("python", "python3", "torchrun", "accelerate", "deepspeed",
            "bash", "sh", "node", "java", "uv", "env");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss");

    private RunName() {
    }

    /** "serve" for {@code python serve.py}, "vllm" for {@code python -m vllm...}, else the program's name. */
    public static String of(List<String> command) {
        String program = base(command.get(0));
        if (INTERPRETERS.contains(program.replaceAll("[0-9.]+$", "")) || INTERPRETERS.contains(program)) {
            for (int i = 1; i < command.size(); i++) {
                String a = command.get(i);
                if (a.equals("-c")) {
                    break;
                }
                if (a.equals("-m") && i + 1 < command.size()) {
                    return clean(command.get(i + 1).split("\\.")[0]);
                }
                if (!a.startsWith("-")) {
                    return clean(base(a).replaceFirst("\\.[A-Za-z0-9]+$", ""));
                }
            }
        }
        return clean(program);
    }

    public static String folder(LocalDateTime start, String name) {
        return STAMP.format(start) + "-" + clean(name);
    }

    private static String base(String s) {
        Path p = Path.of(s).getFileName();
        return p == null ? s : p.toString();
    }

    /** Letters, digits, '.', '_' and '-' only, so the folder name is safe everywhere. */
    static String clean(String s) {
        String c = s.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[._]+", "");
        return c.isEmpty() ? "run" : c.length() > 60 ? c.substring(0, 60) : c;
    }
}
