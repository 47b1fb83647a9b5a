package autoglm.model.load;

/**
 * One scrape of the server's /metrics as {@code autoglm load} made it (scrapes.csv; docs/formats.md#load-runs): when it
 * began (ms since the run's start), how long fetching and parsing the page took the client (ms), how it ended
 * ({@link #OK} or the reason it failed: timeout, too large, refused, http-404, ...), the series kept (those the
 * analyses read) and the series left out (all others on the page, only counted).
 */
public record ScrapeAttempt(double tMs, double durationMs, String outcome, long kept, long leftOut) {
    public static final String OK = "ok";

    public boolean ok() {
        return OK.equals(outcome);
    }
}
