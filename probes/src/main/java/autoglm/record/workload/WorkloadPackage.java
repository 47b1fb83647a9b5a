package autoglm.record.workload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Python workload package (native/workload/autoglm_workload), carried in the jar and extracted to a
 * temporary folder for the run, or taken from AUTOGLM_WORKLOAD_DIR (a folder holding autoglm_workload,
 * for development).
 */
public final class WorkloadPackage {
    public static final String ENV_DIR = "AUTOGLM_WORKLOAD_DIR";
    public static final String PACKAGE = "autoglm_workload";
    /** Every file of the package; WorkloadPackageTest checks it against native/workload. */
    public static final List<String> FILES = List.of("__init__.py", "__main__.py", "bandwidth.py", "cli.py",
            "decoders.py", "events.py", "glm.py", "hf.py", "knobs.py", "lengths.py", "pipeline.py", "presets.py",
            "prompts.py", "requests.py", "runner.py", "scenarios.py", "serve.py", "serve_engine.py", "serve_http.py",
            "serve_metrics.py", "serve_profiler.py", "serve_prompt.py", "serve_server.py", "serve_validate.py",
            "serve_wire.py", "session.py", "vision.py");
    private static final String RESOURCE = "/autoglm/workload/" + PACKAGE + "/";

    /** The workload cannot be started: one line says why. */
    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }
    }

    private WorkloadPackage() {
    }

    /** The folder to put on PYTHONPATH: AUTOGLM_WORKLOAD_DIR, or a fresh extraction removed when the JVM exits. */
    public static Path folder(Map<String, String> env) throws Unavailable {
        String dir = env.get(ENV_DIR);
        if (dir != null && !dir.isEmpty()) {
            Path p = Path.of(dir);
            if (!Files.isRegularFile(p.resolve(PACKAGE).resolve("__main__.py"))) {
                throw new Unavailable(ENV_DIR + "=" + dir + ": no " + PACKAGE + "/__main__.py there");
            }
            return p;
        }
        try {
            Path root = Files.createTempDirectory("autoglm-workload-");
            Path pkg = Files.createDirectory(root.resolve(PACKAGE));
            for (String f : FILES) {
                try (InputStream in = WorkloadPackage.class.getResourceAsStream(RESOURCE + f)) {
                    if (in == null) {
                        throw new Unavailable("this build of autoglm lacks the workload (" + RESOURCE + f + ")");
                    }
                    Files.copy(in, pkg.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root), "autoglm-workload-cleanup"));
            return root;
        } catch (IOException e) {
            throw new Unavailable("cannot extract the workload to a temporary folder: " + e.getMessage());
        }
    }

    private static void delete(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
