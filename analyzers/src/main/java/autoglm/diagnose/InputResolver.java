package autoglm.diagnose;

import autoglm.read.cupti.CuptiLoader;
import autoglm.read.load.LoadFiles;
import autoglm.read.run.RunFolder;
import autoglm.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the paths given to {@code diagnose} or {@code export} are, decided in one place: one run folder (run.json: of
 * profile, or of load with or without kernel recordings), a load run's files alone (load.json without run.json), CUPTI
 * recordings (cupti-PID.bin), or torch.profiler traces (a folder of them being the ranks of one job, expanded to its
 * trace files in name order). A run folder goes alone, and recordings are not mixed with traces: bad input, one line.
 */
public final class InputResolver {
    private InputResolver() {
    }

    /** The kinds of input. */
    public enum Kind {
        /** One run folder: run.json, its samples, and what else it holds (workload events, load files, recordings). */
        RUN_FOLDER,
        /** One folder of a load run's files (load.json) without run.json. */
        LOAD_FILES,
        /** CUPTI recordings of one command, read into one model. */
        RECORDINGS,
        /** torch.profiler traces; several are the ranks of one job. */
        TRACES
    }

    /** The kind and the files of it (a folder of traces replaced by its trace files). */
    public record Input(Kind kind, List<Path> files) {
        /** The one folder or file given (the first of several). */
        public Path path() {
            return files.get(0);
        }
    }

    /**
     * The kind of one path, for a command that reads one input ({@code export}): as {@link #resolve}, but a folder that
     * is neither a run folder nor a load run's is not expanded into rank traces: it is given as a trace, for the
     * trace reader to refuse.
     */
    public static Input resolveOne(Path given) {
        if (RunFolder.isRunFolder(given)) {
            return new Input(Kind.RUN_FOLDER, List.of(given));
        }
        if (Files.isDirectory(given) && LoadFiles.present(given)) {
            return new Input(Kind.LOAD_FILES, List.of(given));
        }
        return new Input(CuptiLoader.isRecording(given) ? Kind.RECORDINGS : Kind.TRACES, List.of(given));
    }

    /** The kind of {@code given}; bad input when there is nothing, or kinds are mixed. */
    public static Input resolve(List<Path> given) {
        if (given.isEmpty()) {
            throw new BadInputException("nothing to diagnose: give a trace, a CUPTI recording or a run folder");
        }
        if (given.size() == 1 && (RunFolder.isRunFolder(given.get(0)) || Files.isDirectory(given.get(0))
                && LoadFiles.present(given.get(0)))) {
            return resolveOne(given.get(0));
        }
        List<Path> files = RankFiles.expand(given);
        if (files.stream().anyMatch(RunFolder::isRunFolder)) {
            throw new BadInputException("a run folder is diagnosed on its own: give one run folder, or trace files");
        }
        if (files.stream().anyMatch(CuptiLoader::isRecording)) {
            if (!files.stream().allMatch(CuptiLoader::isRecording)) {
                throw new BadInputException("CUPTI recordings and trace files cannot be mixed: give either");
            }
            return new Input(Kind.RECORDINGS, List.copyOf(files));
        }
        return new Input(Kind.TRACES, List.copyOf(files));
    }
}
