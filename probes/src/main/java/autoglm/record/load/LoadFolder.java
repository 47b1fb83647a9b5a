package autoglm.record.load;

import autoglm.model.run.RunInfo;
import autoglm.read.run.RunFolder;
import autoglm.read.run.RunInfoJson;
import autoglm.record.host.HostProbe;
import autoglm.record.run.RunName;
import autoglm.util.BadInputException;
import autoglm.util.SafeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/**
 * The run folder of a load against a server autoglm did not start (docs/formats.md#load-runs): run.json written
 * "running" (incomplete) first, so a killed load still says what it is, and rewritten at the end. No GPU is sampled:
 * the server may be elsewhere (--serve samples the one it starts).
 */
public final class LoadFolder {
    public static final String NO_GPU = "the load ran against a server autoglm did not start: its GPU is not sampled "
            + "(autoglm load --serve starts the server under every probe)";

    private final Path folder;
    private final RunInfo info;

    private LoadFolder(Path folder, RunInfo info) {
        this.folder = folder;
        this.info = info;
    }

    public Path path() {
        return folder;
    }

    /** Creates runs/TIME-NAME (or NAME-2, ...) under {@code out} with its run.json. */
    public static LoadFolder create(Path out, String name, List<String> command) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": cannot create the folder (" + SafeFiles.reason(e) + ")");
        }
        String base = RunName.folder(LocalDateTime.now(), name);
        Path folder = null;
        for (int i = 1; i < 10_000 && folder == null; i++) {
            try {
                folder = Files.createDirectory(out.resolve(i == 1 ? base : base + "-" + i));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // taken: the next suffix
            } catch (IOException e) {
                throw new BadInputException("--out " + out + ": cannot create a run folder in it (" + SafeFiles.reason(e)
                        + ")");
            }
        }
        if (folder == null) {
            throw new BadInputException("--out " + out + ": 10,000 run folders named " + base + " already exist");
        }
        HostProbe host = new HostProbe();
        RunInfo info;
        try {
            info = new RunInfo(RunInfo.SCHEMA, folder.getFileName().toString(), List.copyOf(command),
                    Path.of("").toAbsolutePath().toString(), System.currentTimeMillis(), 0, RunInfo.RUNNING, false, null,
                    "autoglm stopped before the load ended", new RunInfo.Host(host.hostname(), host.osName(),
                    host.cpuName(), host.logicalCores(), host.memoryBytes()), RunInfo.Nvml.absent(NO_GPU), List.of(),
                    new RunInfo.Settings(EndpointLoad.SCRAPE_INTERVAL_MS, 0, 0), Map.of(), null);
        } finally {
            host.close();
        }
        LoadFolder f = new LoadFolder(folder, info);
        f.write(info);
        return f;
    }

    /** run.json at the end: complete, or interrupted / failed with why. */
    public void finish(String status, boolean complete, String note) {
        write(info.ended(System.currentTimeMillis(), status, complete, complete ? 0 : null, note, Map.of(), null));
    }

    private void write(RunInfo r) {
        try {
            RunInfoJson.write(r, folder.resolve(RunFolder.RUN_JSON));
        } catch (IOException e) {
            throw new BadInputException("cannot write " + folder.resolve(RunFolder.RUN_JSON) + ": "
                    + SafeFiles.reason(e));
        }
    }
}
