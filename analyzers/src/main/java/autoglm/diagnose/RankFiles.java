package autoglm.diagnose;

import autoglm.read.run.RunFolder;
import autoglm.util.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The rank files of a job: a folder given alone (not a run folder) stands for the trace files in it ({@code .json},
 * {@code .json.gz}, in name order; the ranks are then ordered by their distributedInfo); and reading several files on
 * all cores, each into its own model, results in the order given.
 */
final class RankFiles {
    private RankFiles() {
    }

    /** The files given, a folder of traces replaced by its trace files. */
    static List<Path> expand(List<Path> given) {
        if (given.size() != 1 || !Files.isDirectory(given.get(0)) || RunFolder.isRunFolder(given.get(0))) {
            return given;
        }
        Path dir = given.get(0);
        List<Path> traces;
        try (Stream<Path> s = Files.list(dir)) {
            traces = s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".json") || n.endsWith(".json.gz");
            }).sorted().toList();
        } catch (IOException e) {
            throw new BadInputException(dir + ": cannot list the folder: " + e.getMessage());
        }
        if (traces.isEmpty()) {
            throw new BadInputException(dir + ": a folder with no trace files (.json, .json.gz) and no run.json: give "
                    + "the ranks' trace files, their folder, or a run folder of autoglm profile");
        }
        return traces;
    }

    /**
     * Applies {@code read} to every file, on up to as many threads as there are cores (one file each at a time), and
     * returns the results in the files' order; the first failure is thrown as it was.
     */
    static <T> List<T> inParallel(List<Path> files, Function<Path, T> read) {
        if (files.size() == 1) {
            return List.of(read.apply(files.get(0)));
        }
        int threads = Math.min(files.size(), Math.max(1, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "autoglm-rank-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Path f : files) {
                futures.add(pool.submit(() -> read.apply(f)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the rank files", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new UncheckedIOException(new IOException(cause));
        } finally {
            pool.shutdownNow();
        }
    }
}
