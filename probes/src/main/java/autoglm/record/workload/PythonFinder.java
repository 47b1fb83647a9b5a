package autoglm.record.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds a Python that has PyTorch: --python, else AUTOGLM_PYTHON, else the first of python3 on PATH and
 * /usr/bin/python3 (where Debian's python3-torch installs) that can find the torch module. The check
 * looks the module up without importing it (milliseconds, not the seconds an import takes).
 */
public final class PythonFinder {
    public static final String ENV = "AUTOGLM_PYTHON";
    private static final String CHECK = "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('torch') else 3)";

    private PythonFinder() {
    }

    public static Path find(String explicit, Map<String, String> env) throws WorkloadPackage.Unavailable {
        if (explicit != null) {
            return checked(Path.of(explicit), "--python " + explicit);
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return checked(Path.of(fromEnv), ENV + "=" + fromEnv);
        }
        List<Path> tried = new ArrayList<>();
        for (Path candidate : candidates(env)) {
            if (!tried.contains(candidate) && Files.isExecutable(candidate)) {
                tried.add(candidate);
                if (hasTorch(candidate)) {
                    return candidate;
                }
            }
        }
        throw new WorkloadPackage.Unavailable("no Python with PyTorch found (tried " + (tried.isEmpty() ? "none"
                : String.join(", ", tried.stream().map(Path::toString).toList())) + "): install it (Debian: apt "
                + "install python3-torch) or name one with --python or " + ENV);
    }

    private static Path checked(Path python, String what) throws WorkloadPackage.Unavailable {
        if (!Files.isExecutable(python)) {
            throw new WorkloadPackage.Unavailable(what + ": not an executable file");
        }
        if (!hasTorch(python)) {
            throw new WorkloadPackage.Unavailable(what + ": this Python has no torch module (Debian: apt install "
                    + "python3-torch)");
        }
        return python;
    }

    private static List<Path> candidates(Map<String, String> env) {
        List<Path> out = new ArrayList<>();
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                out.add(Path.of(dir, "python3"));
            }
        }
        out.add(Path.of("/usr/bin/python3"));
        return out;
    }

    static boolean hasTorch(Path python) {
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", CHECK).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
