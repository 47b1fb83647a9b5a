package autoglm.read.load;

import autoglm.model.load.Scrape;
import autoglm.model.load.ScrapeAttempt;
import autoglm.util.CsvCells;
import autoglm.util.CsvFile;
import autoglm.util.SafeFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * scrapes.csv of a load run (docs/formats.md#load-runs): one row per scrape of the server's /metrics, failed ones
 * included, {@link ScrapeRow}. It says what the scraper cost the client and
 * which scrapes succeeded: server-metrics.csv has rows only where a series changed, so a page that repeats the one
 * before has none there, and is restored from this file when read back ({@link #fill}).
 */
public final class ScrapeLogFile {
    public static final String FILE = "scrapes.csv";

    private ScrapeLogFile() {
    }

    /** The time as both files write it: the key that joins a scrape of this file to its rows there. */
    static String time(double tMs) {
        return CsvCells.Millis.format(tMs);
    }

    public static void write(Path folder, List<ScrapeAttempt> log) throws IOException {
        if (log.isEmpty()) {
            return;
        }
        SafeFiles.write(folder.resolve(FILE), out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            CsvFile.write(ScrapeRow.class, log.stream().map(ScrapeRow::of).toList(), w);
        });
    }

    /** The scrapes of {@code folder}'s scrapes.csv (empty when absent: a run recorded before it was written). */
    public static List<ScrapeAttempt> read(Path folder, Map<String, Long> loss) {
        List<ScrapeAttempt> out = new ArrayList<>();
        for (ScrapeRow r : CsvFile.read(folder.resolve(FILE), ScrapeRow.class, List.of(), FILE, loss).rows()) {
            try {
                out.add(r.attempt());
            } catch (IllegalArgumentException e) {
                loss.merge(FILE + ": unreadable rows", 1L, Long::sum);
            }
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
