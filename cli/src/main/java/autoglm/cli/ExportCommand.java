package autoglm.cli;

import autoglm.analyse.trace.Window;
import autoglm.diagnose.InputResolver;
import autoglm.read.cupti.CuptiLoader;
import autoglm.report.PerfettoExport;
import autoglm.read.run.RunFolder;
import autoglm.model.run.RunRecording;
import autoglm.read.TraceLoader;
import autoglm.model.trace.TraceModel;
import autoglm.util.BadInputException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code autoglm export RUN_OR_TRACE --perfetto out.json}: the timeline as Chrome-trace JSON. */
@Command(name = "export", header = "Write a run or a trace as Chrome-trace JSON for Perfetto.", mixinStandardHelpOptions = true,
        description = {
            "Write a run folder, CUPTI recording or trace as Chrome-trace JSON that ui.perfetto.dev and",
            "chrome://tracing open: kernels, copies and memsets on their GPU streams, CUDA API calls and CPU ops on",
            "their threads, launch arrows, the analysed iterations, a run's NVML, GPM and host samples as counter",
            "tracks, and a load run's requests (sent, first token, end) with its server's batch, queue and KV-cache",
            "use, all on the wall clock. A name ending in .gz is gzipped."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written", "2:bad input (one line says what)", "3:internal error"})
public final class ExportCommand implements Callable<Integer> {
    private final Io io;

    @Parameters(index = "0", paramLabel = "RUN_OR_TRACE", description = "a run folder, a CUPTI recording or a trace")
    Path input;

    @Option(names = "--perfetto", paramLabel = "FILE", required = true, description = "the Chrome-trace JSON to write")
    Path perfetto;

    public ExportCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        Output.checkWritable("--perfetto", perfetto);
        if (!Files.exists(input)) {
            throw new BadInputException(input + ": no such file or folder");
        }
        TraceModel model = null;
        RunRecording run = null;
        autoglm.model.workload.WorkloadLog workload = null;
        autoglm.model.load.LoadRecording load = null;
        InputResolver.Input in = InputResolver.resolveOne(input);
        if (in.kind() == InputResolver.Kind.RUN_FOLDER || in.kind() == InputResolver.Kind.LOAD_FILES) {
            load = load(input);
        }
        switch (in.kind()) {
            case RUN_FOLDER -> {
                run = RunFolder.read(input);
                workload = workload(input);
                List<Path> rec = CuptiLoader.recordings(input);
                if (!rec.isEmpty()) {
                    CuptiLoader.Result r = CuptiLoader.load(rec);
                    r.errors().forEach(e -> io.say("kernel recording: " + e));
                    model = r.model();
                }
            }
            case LOAD_FILES -> model = null; // a load run's files alone: its requests and the server's gauges
            case RECORDINGS -> model = CuptiLoader.load(in.files()).model();
            case TRACES -> model = TraceLoader.load(input);
        }
        Window window = model == null || model.gpu().size() == 0 ? null : Window.of(model);
        PerfettoExport.Counts[] counts = new PerfettoExport.Counts[1];
        TraceModel m = model;
        RunRecording rr = run;
        autoglm.model.workload.WorkloadLog wl = workload;
        autoglm.model.load.LoadRecording ld = load;
        Output.writeBytes("--perfetto", perfetto, raw -> {
            OutputStream os = perfetto.toString().endsWith(".gz") ? new GZIPOutputStream(Output.unclosable(raw), 1 << 16)
                    : Output.unclosable(raw);
            try (Writer w = new java.io.BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
                counts[0] = new PerfettoExport().write(m, window, rr, wl, ld, w);
            }
        });
        io.err().println(String.format(Locale.ROOT, "autoglm: wrote %s: %,d kernels, %,d copies, %,d memsets, %,d CUDA API "
                + "calls, %,d CPU ops, %,d annotations, %,d launch arrows, %,d iterations, %,d counter samples, "
                + "%,d workload steps, %,d requests, %,d load requests",
                autoglm.util.SafeText.safe(perfetto.toString()), counts[0].kernels(), counts[0].copies(), counts[0].memsets(),
                counts[0].apiCalls(), counts[0].cpuOps(), counts[0].annotations(), counts[0].flows(), counts[0].iterations(),
                counts[0].counterSamples(), counts[0].steps(), counts[0].requests(), counts[0].loadRequests()));
        return ExitCodes.OK;
    }

    /** A load run's requests and scrapes, what could not be read said and left out; null when there is no load. */
    private autoglm.model.load.LoadRecording load(Path folder) {
        if (!autoglm.read.load.LoadFiles.present(folder)) {
            return null;
        }
        java.util.Map<String, Long> loss = new java.util.LinkedHashMap<>();
        autoglm.model.load.LoadRecording load = autoglm.read.load.LoadFiles.read(folder, loss);
        loss.forEach((why, n) -> io.say("load: " + n + " " + why + "; left out"));
        return load;
    }

    /** A run's workload events, or null (none, or unreadable: said). */
    private autoglm.model.workload.WorkloadLog workload(Path folder) {
        if (!autoglm.read.workload.WorkloadEvents.present(folder)) {
            return null;
        }
        try {
            return autoglm.read.workload.WorkloadEvents.read(folder.resolve(autoglm.read.workload.WorkloadEvents.FILE));
        } catch (BadInputException e) {
            io.say("workload events: " + e.getMessage() + "; exported without the workload's steps");
            return null;
        }
    }
}
