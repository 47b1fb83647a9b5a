package autoglm.read.run;

import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuSample;
import autoglm.model.run.HostSample;
import autoglm.model.run.RunInfo;
import autoglm.model.run.RunRecording;

import autoglm.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run folder: run.json, gpu.csv, gpm.csv, host.csv. Reads it back for {@code autoglm diagnose RUN}.
 * A missing sample file means that probe did not run; a row that cannot be read is counted, not fatal;
 * a missing or unreadable run.json is bad input.
 */
public final class RunFolder {
    public static final String RUN_JSON = "run.json";
    /** The HTML report written into every run folder. */
    public static final String REPORT_HTML = "report.html";
    /** The workload's requests, one row each (a workload run; a load run's requests.csv is {@code LoadFiles}'). */
    public static final String REQUESTS_CSV = "requests.csv";
    /** The workload's turns, one row each. */
    public static final String TURNS_CSV = "turns.csv";
    /** A load run's server steps, one row each, when its server's kernels were recorded. */
    public static final String SERVED_STEPS_CSV = "served-steps.csv";
    /** What --verify measured, kept so that diagnosing the folder again shows it. */
    public static final String VERIFY_JSON = "verify.json";

    private RunFolder() {
    }

    public static boolean isRunFolder(Path p) {
        return Files.isDirectory(p) && Files.isRegularFile(p.resolve(RUN_JSON));
    }

    public static RunRecording read(Path dir) {
        RunInfo info;
        if (Files.exists(dir.resolve(RUN_JSON))) {
            autoglm.util.InputFiles.requireRegular(dir.resolve(RUN_JSON).toString(), dir.resolve(RUN_JSON));
        }
        try {
            info = RunInfoJson.read(dir.resolve(RUN_JSON));
        } catch (NoSuchFileException e) {
            throw new BadInputException(dir + ": not a run folder (no run.json)");
        } catch (IOException | IllegalArgumentException e) {
            throw new BadInputException(dir.resolve(RUN_JSON) + ": cannot be read: " + oneLine(e.getMessage()));
        }
        Map<String, Long> loss = new LinkedHashMap<>();
        List<GpuSample> gpu = SampleCsv.read(dir, SampleCsv.GPU, loss);
        gpu.sort(Comparator.comparingDouble(GpuSample::timeMs));
        List<GpmSample> gpm = SampleCsv.read(dir, SampleCsv.GPM, loss);
        gpm.sort(Comparator.comparingDouble(GpmSample::timeMs));
        List<HostSample> host = SampleCsv.read(dir, SampleCsv.HOST, loss);
        host.sort(Comparator.comparingDouble(HostSample::timeMs));
        return new RunRecording(dir.toString(), info, gpu, gpm, host, loss);
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
