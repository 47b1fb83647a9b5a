package autoglm.record.workload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the reference server is started (docs/serve.md): {@code python -m autoglm_workload.serve ARGS...} with the
 * workload package on PYTHONPATH. {@code autoglm serve ARGS} runs it in the foreground; {@code autoglm load --serve
 * -- autoglm serve ARGS} under the probes.
 */
public record ServeLaunch(List<String> argv, Map<String, String> env) {
    public static final String MODULE = "autoglm_workload.serve";

    /** The launch for {@code args} (the server's own flags), with the Python that has torch. */
    public static ServeLaunch of(List<String> args, String explicitPython, Map<String, String> environment)
            throws WorkloadPackage.Unavailable {
        Path python = PythonFinder.find(explicitPython, environment);
        Path pkg = WorkloadPackage.folder(environment);
        Map<String, String> env = new LinkedHashMap<>();
        String pp = environment.get("PYTHONPATH");
        env.put("PYTHONPATH", pkg + (pp == null || pp.isEmpty() ? "" : ":" + pp));
        env.put("PYTHONUNBUFFERED", "1");
        List<String> argv = new ArrayList<>(List.of(python.toString(), "-m", MODULE));
        argv.addAll(args);
        return new ServeLaunch(List.copyOf(argv), Map.copyOf(env));
    }

    /** Whether a command is autoglm's own server: {@code autoglm serve ...} (the launcher or a path to it). */
    public static boolean isAutoglmServe(List<String> command) {
        return command.size() >= 2 && (command.get(0).equals("autoglm") || command.get(0).endsWith("/autoglm"))
                && command.get(1).equals("serve");
    }
}
