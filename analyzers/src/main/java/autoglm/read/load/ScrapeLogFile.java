package autoglm.read.load;

import autoglm.model.load.Scrape;
import autoglm.model.load.ScrapeAttempt;
import autoglm.util.BadInputException;
import autoglm.util.Csv;
import autoglm.util.SafeFiles;
import autoglm.util.SafeText;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * scrapes.csv of a load run (docs/formats.md#load-runs): one row per scrape of the server's /metrics, failed ones
 * included, {@code t_ms,duration_ms,outcome,series_kept,series_left_out}. It says what the scraper cost the client and
 * which scrapes succeeded: server-metrics.csv has rows only where a series changed, so a page that repeats the one
 * before has none there, and is restored from this file when read back ({@link #fill}).
 */
public final class ScrapeLogFile {
    public static final String FILE = "scrapes.csv";
    static final String HEADER = "t_ms,duration_ms,outcome,series_kept,series_left_out";

    private ScrapeLogFile() {
    }

    /** The time as both files write it: the key that joins a scrape of this file to its rows there. */
    static String time(double tMs) {
        return String.format(Locale.ROOT, "%.3f", tMs);
    }

    public static void write(Path folder, List<ScrapeAttempt> log) throws IOException {
        if (log.isEmpty()) {
            return;
        }
        SafeFiles.write(folder.resolve(FILE), out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.write(HEADER + "\n");
            for (ScrapeAttempt a : log) {
                w.write(time(a.tMs()) + "," + time(a.durationMs()) + "," + Csv.text(SafeText.oneLine(a.outcome())) + ","
                        + a.kept() + "," + a.leftOut() + "\n");
            }
            w.flush();
        });
    }

    /** The scrapes of {@code folder}'s scrapes.csv (empty when absent: a run recorded before it was written). */
    public static List<ScrapeAttempt> read(Path folder, Map<String, Long> loss) {
        Path file = folder.resolve(FILE);
        List<ScrapeAttempt> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                try {
                    List<String> f = Csv.split(line);
                    double t = Double.parseDouble(f.get(0));
                    double d = Double.parseDouble(f.get(1));
                    if (!Double.isFinite(t) || !(d >= 0) || Double.isInfinite(d)) {
                        throw new IllegalArgumentException("not a time");
                    }
                    out.add(new ScrapeAttempt(t, d, f.get(2), Long.parseLong(f.get(3)), Long.parseLong(f.get(4))));
                } catch (RuntimeException e) {
                    loss.merge(FILE + ": unreadable rows", 1L, Long::sum);
                }
            }
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot be read: " + SafeText.oneLine(String.valueOf(e.getMessage())));
        }
        return out;
    }

    /**
     * The pages read back from server-metrics.csv with those it has no row for restored: every successful scrape of
     * {@code log} not among {@code pages} repeats the page before it (nothing of it changed), in time order.
     */
    public static List<Scrape> fill(List<Scrape> pages, List<ScrapeAttempt> log) {
        Set<String> have = new HashSet<>();
        pages.forEach(p -> have.add(time(p.tMs())));
        List<ScrapeAttempt> missing = log.stream().filter(a -> a.ok() && !have.contains(time(a.tMs()))).toList();
        if (missing.isEmpty()) {
            return pages;
        }
        List<Scrape> out = new ArrayList<>(pages.size() + missing.size());
        int i = 0;
        Scrape last = null;
        for (ScrapeAttempt a : missing) {
            while (i < pages.size() && pages.get(i).tMs() < a.tMs()) {
                last = pages.get(i++);
                out.add(last);
            }
            out.add(new Scrape(a.tMs(), last == null ? Map.of() : last.samples()));
        }
        while (i < pages.size()) {
            out.add(pages.get(i++));
        }
        return out;
    }
}
