package autoglm.cli;

import autoglm.record.workload.ServeLaunch;
import autoglm.record.workload.WorkloadPackage;
import autoglm.util.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code autoglm serve}: the reference OpenAI-compatible server (docs/serve.md) in the foreground. The server is
 * Python (the GLM workload's model); this command finds the Python with PyTorch, puts the package on its path and
 * hands it the flags.
 */
@Command(name = "serve", header = "Serve the GLM workload's model over an OpenAI-compatible API.", mixinStandardHelpOptions = true,
        description = {
            "Serve the GLM workload's model behind an OpenAI-compatible API",
            "(/v1/chat/completions, /v1/completions, /v1/models, /health, /metrics under",
            "vLLM's names) with continuous batching and a prefix cache: real compute with",
            "random weights, on the CPU or the GPU; the reference server autoglm load is",
            "tested against. Flags not listed here go to the server as they are",
            "(docs/serve.md lists them all)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by Ctrl-C or SIGTERM", "2:bad flags or environment (one line says what)",
            "3:internal error"})
public final class ServeCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "glm-tiny or glm-4-9b")
    String model;

    @Option(names = "--port", paramLabel = "P", description = "port on 127.0.0.1 (default 8000; 0 picks a free one)")
    Integer port;

    @Option(names = "--max-num-seqs", paramLabel = "N", description = "requests running at once (default 8)")
    Integer maxNumSeqs;

    @Option(names = "--prefix-cache", paramLabel = "on|off", description = "reuse the KV of shared prompt prefixes "
            + "(default on)")
    String prefixCache;

    @Option(names = "--python", paramLabel = "PATH", description = "the Python with PyTorch (default: AUTOGLM_PYTHON, "
            + "else python3 on PATH or /usr/bin/python3, the first that has torch)")
    String python;

    @Mixin
    PrometheusOptions prometheus = new PrometheusOptions();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs", description = "with --prometheus-port: where "
            + "the run folder of the server's samples goes (default runs/)")
    java.nio.file.Path out;

    @Unmatched
    List<String> rest = new ArrayList<>();

    public ServeCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>(List.of("--model", model));
        if (port != null) {
            args.addAll(List.of("--port", port.toString()));
        }
        if (maxNumSeqs != null) {
            args.addAll(List.of("--max-num-seqs", maxNumSeqs.toString()));
        }
        if (prefixCache != null) {
            args.addAll(List.of("--prefix-cache", prefixCache));
        }
        args.addAll(rest);
        ServeLaunch launch;
        try {
            launch = ServeLaunch.of(args, python, System.getenv());
        } catch (WorkloadPackage.Unavailable e) {
            throw new BadInputException("serve: " + e.getMessage());
        }
        if (prometheus.port != null) {
            return sampled(launch);
        }
        ProcessBuilder pb = new ProcessBuilder(launch.argv()).inheritIO();
        pb.environment().putAll(launch.env());
        Process p = pb.start();
        Thread stopper = new Thread(() -> {
            if (p.isAlive()) {
                p.destroy();
                try {
                    p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                p.destroyForcibly();
            }
        }, "serve-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        int code = p.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException e) {
            // shutting down already: the hook runs
        }
        return code == 130 || code == 143 ? ExitCodes.OK : code;
    }

    /**
     * --prometheus-port: the server under the probes, as {@code profile} runs a command (its NVML, GPM and host samples
     * into a run folder, and served to Prometheus as each is taken), until Ctrl-C or SIGTERM stops both. The findings
     * are not served: a server has no end to diagnose while it serves (diagnose its run folder afterwards).
     */
    private Integer sampled(ServeLaunch launch) throws Exception {
        autoglm.record.run.Profiler profiler = autoglm.record.run.Profiler.withNvml(io::say);
        try (autoglm.record.export.PrometheusExport export = prometheus.start(io, "serve-" + model)) {
            autoglm.record.run.RunningCommand running = profiler.start(new autoglm.record.run.Profiler.Request(
                    launch.argv(), "serve-" + model, out, new autoglm.model.run.RunInfo.Settings(100, 100, 200), 10_000,
                    null, launch.env()), export);
            io.say("the server's samples go to " + running.folder());
            autoglm.record.run.Profiler.Result r = running.await();
            io.say("run kept in " + r.folder());
            Integer code = r.info().exitCode();
            return r.interruptedBy() != null || code == null || code == 130 || code == 143 ? ExitCodes.OK : code;
        }
    }
}
