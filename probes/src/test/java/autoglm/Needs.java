package autoglm;

import autoglm.record.workload.PythonFinder;
import autoglm.record.workload.WorkloadPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine, found or else: with CI=true (.ci/run installs every one of these) a missing
 * piece fails the test, elsewhere the test is skipped with one line saying what to install. The one copy of the
 * checks the tests made each for themselves (PyTorch in three places, python3 in two).
 */
public final class Needs {
    private Needs() {
    }

    /** Whether this is a CI run (.ci/run is run with CI=true). */
    public static boolean ci() {
        return "true".equals(System.getenv("CI"));
    }

    /** Fails under CI=true, else skips: {@code what} is missing, {@code install} says how to get it. */
    public static void missing(String what, String install) {
        if (ci()) {
            throw new AssertionError(what + " is not installed; .ci/run installs it (" + install + ")");
        }
        Assumptions.abort("skipped: " + what + " is not installed (" + install + "); CI runs this check");
    }

    /** The Python with PyTorch, as autoglm finds it (PythonFinder: AUTOGLM_PYTHON, python3 on PATH, /usr/bin/python3). */
    public static Path torch() {
        try {
            return PythonFinder.find(null, System.getenv());
        } catch (WorkloadPackage.Unavailable e) {
            missing("PyTorch (" + e.getMessage() + ")", "apt-get install python3-torch");
            return null;
        }
    }

    /** A python3 (standard library only: the engine emulators, the tools' checkers): /usr/bin/python3 first. */
    public static String python3() {
        if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return "/usr/bin/python3";
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, "python3");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        missing("python3", "apt-get install python3");
        return null;
    }

    /** A program on PATH or in /usr/bin (prometheus, promtool: Debian's prometheus package). */
    public static Path tool(String name, String install) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        missing(name, install);
        return null;
    }
}
