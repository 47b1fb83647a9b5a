package autoglm.cli;

import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.record.cupti.CuptiInjection;
import autoglm.record.host.HostProbe;
import autoglm.record.nvml.NvmlLibrary;
import autoglm.record.nvml.NvmlProbe;
import autoglm.model.run.GpuInfo;
import autoglm.model.run.HostSample;
import autoglm.model.run.RunInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code autoglm doctor}: what this machine offers the probes, and how to fix what is missing. */
@Command(name = "doctor", header = "Show what this machine offers autoglm's probes.", mixinStandardHelpOptions = true,
        description = "Show what this machine offers autoglm's probes (NVML, GPM, per-process figures, host), with fixes.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the checks ran (missing probes are reported, not failed)", "3:internal error"})
public final class DoctorCommand implements Callable<Integer> {
    private final Io io;

    public DoctorCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        List<String[]> rows = new ArrayList<>();
        rows.add(row("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch")));
        host(rows);
        gpu(rows);
        kernels(rows, System.getenv());
        workload(rows, System.getenv());
        load(rows);
        io.out().println("autoglm doctor: what this machine offers the probes");
        io.out().println();
        for (String[] r : rows) {
            io.out().printf(Locale.ROOT, "  %-10s %s%n", r[0], r[1]);
        }
        return ExitCodes.OK;
    }

    private static String[] row(String label, String text) {
        return new String[] {label, text};
    }

    private static void host(List<String[]> rows) {
        try (HostProbe h = new HostProbe()) {
            long self = ProcessHandle.current().pid();
            h.start(System.currentTimeMillis() - 100);
            HostSample s = h.read(System.currentTimeMillis(), Set.of(self));
            rows.add(row("host", h.cpuName() + ", " + h.logicalCores() + " logical cores, "
                    + Quantities.format(h.memoryBytes(), Unit.BYTES) + " (OSHI)"));
            boolean threads = s.busiestThread() != null;
            rows.add(row("", "process CPU, memory and threads: " + (threads ? "readable"
                    : "not readable: host-cpu-bound will not be applicable (is /proc mounted and readable?)")));
        } catch (RuntimeException | LinkageError e) {
            rows.add(row("host", "OSHI failed: " + e.getMessage() + "; host rules will not be applicable"));
        }
    }

    private static void gpu(List<String[]> rows) {
        NvmlProbe probe;
        try {
            probe = NvmlProbe.open();
        } catch (NvmlProbe.Unavailable e) {
            rows.add(row("NVML", "not available: " + e.getMessage()));
            rows.add(row("", "fix: install the NVIDIA driver (it ships " + NvmlLibrary.FILE + "); in a container, start it"
                    + " with the NVIDIA Container Toolkit (docker run --gpus all) so the driver's libraries are mounted"));
            rows.add(row("", "without it, profile samples the host only and the GPU rules are not applicable"));
            return;
        }
        try {
            RunInfo.Nvml d = probe.driver();
            rows.add(row("NVML", "driver " + d.driverVersion() + ", CUDA " + d.cudaDriverVersion() + ", NVML "
                    + d.nvmlVersion()));
            if (probe.gpus().isEmpty()) {
                rows.add(row("", "no GPU visible (CUDA_VISIBLE_DEVICES does not apply to NVML; check nvidia-smi)"));
            }
            for (GpuInfo g : probe.gpus()) {
                int i = probe.gpus().indexOf(g);
                rows.add(row("GPU " + g.index(), g.name() + ", " + g.uuid() + ", " + Quantities.format(g.memoryTotalBytes(),
                        Unit.BYTES) + ", compute capability " + g.computeCapability() + ", PCIe " + g.pcieGeneration()
                        + " x" + g.pcieWidth() + " (" + Quantities.format(g.pcieLinkGBs(), Unit.GB_PER_SECOND)
                        + " each way), power limit " + Quantities.format(g.powerLimitW(), Unit.WATTS)));
                rows.add(row("", "GPM: " + (g.gpmSupported() ? "supported (SM activity, occupancy, tensor activity, DRAM"
                        + " bandwidth, PCIe)" : "not supported: it needs a Hopper or newer GPU and an R520+ driver;"
                        + " util-without-saturation and pcie-bound will not be applicable")));
                rows.add(row("", "memory (nvmlDeviceGetMemoryInfo_v2): " + fix(probe.check(i, "memory-v2"),
                        "the v1 call is used instead (no reserved memory figure)")));
                rows.add(row("", "clock event reasons (" + probe.reasonsCall() + "): " + fix(probe.check(i,
                        "clock-reasons"), "clock-throttling will not be applicable")));
                rows.add(row("", "per-process memory: " + fix(probe.check(i, "processes"),
                        "the command's own GPU memory is unknown")));
                rows.add(row("", "per-process utilization: " + fix(probe.check(i, "process-utilization"),
                        "GPUs in use are found by utilization instead")));
            }
            rows.add(row("", "in a container, per-process figures need the host's PID namespace (docker run --pid=host):"
                    + " NVML lists host process ids"));
        } finally {
            probe.close();
        }
    }

    /** What profile --model and autoglm serve need: a Python with PyTorch (which one, its torch, CUDA, SDPA). */
    static void workload(List<String[]> rows, java.util.Map<String, String> env) {
        Path python;
        try {
            python = autoglm.record.workload.PythonFinder.find(null, env);
        } catch (autoglm.record.workload.WorkloadPackage.Unavailable e) {
            rows.add(row("workload", "not available: " + e.getMessage()));
            rows.add(row("", "profile --model and autoglm serve need it (Debian: apt-get install python3-torch; or "
                    + "--python PATH, AUTOGLM_PYTHON)"));
            return;
        }
        String probe = "import importlib.util as u, sys, torch; f = torch.nn.functional; print(sys.version.split()[0], "
                + "torch.__version__, torch.cuda.is_available(), hasattr(f, 'scaled_dot_product_attention'), "
                + "u.find_spec('transformers') is not None)";
        String[] v = null;
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", probe).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0) {
                v = out.substring(out.lastIndexOf('\n') + 1).split(" ");
            }
        } catch (java.io.IOException e) {
            v = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (v == null || v.length < 5) {
            rows.add(row("workload", python + ": torch was found but does not import; profile --model will say why"));
            return;
        }
        rows.add(row("workload", python + ": Python " + v[0] + ", torch " + v[1] + ", CUDA "
                + ("True".equals(v[2]) ? "available" : "not available (the workload runs on the CPU; mode=graphs needs "
                        + "CUDA)") + ", attention " + ("True".equals(v[3]) ? "SDPA" : "matmul (no SDPA before torch 2.0)")));
        rows.add(row("", "checkpoints (--model FOLDER): " + ("True".equals(v[4]) ? "transformers installed"
                : "transformers not installed: the presets run, a checkpoint folder does not")));
    }

    /** What autoglm load needs: the JDK's HTTP client module (a trimmed Java runtime may lack it). */
    static void load(List<String[]> rows) {
        boolean http = ModuleLayer.boot().findModule("java.net.http").isPresent();
        rows.add(row("load", http ? "HTTP client (java.net.http) present: autoglm load can reach an endpoint; "
                + "load --serve -- autoglm serve needs the workload's Python above"
                : "not available: this Java runtime lacks java.net.http (build it with that module)"));
    }

    /** What profile --kernels needs: the library in this build, a libcupti, no other injection. */
    static void kernels(List<String[]> rows, java.util.Map<String, String> env) {
        if (!CuptiInjection.bundled()) {
            rows.add(row("kernels", "not available: this autoglm was built without the CUPTI library (no CUDA headers "
                    + "on the build machine)"));
            rows.add(row("", "fix: rebuild with CUDA_HOME set to a CUDA toolkit (native/cupti/build.sh); without it "
                    + "profile --kernels is unavailable"));
            return;
        }
        rows.add(row("kernels", "CUPTI library in this build (" + CuptiInjection.resource().substring(1) + ")"));
        Path cupti = CuptiInjection.systemCupti(env);
        rows.add(row("", cupti != null ? "libcupti: " + cupti + " (a copy the command brings, as PyTorch does, is used first)"
                : "libcupti: none found outside the command; a PyTorch command brings its own; for others set "
                    + "AUTOGLM_CUPTI_LIBRARY or CUDA_HOME"));
        String injected = env.get(CuptiInjection.ENV_INJECTION);
        if (injected != null && !injected.isEmpty()) {
            rows.add(row("", "CUDA_INJECTION64_PATH is already set (" + injected + "): profile --kernels refuses to "
                    + "replace another tool's injection; unset it"));
        }
    }

    private static String fix(String result, String consequence) {
        return result.equals("ok") ? "ok" : result + ": " + consequence;
    }
}
