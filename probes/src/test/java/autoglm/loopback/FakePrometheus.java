package autoglm.loopback;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A fake Prometheus target on loopback ({@link LoopbackHttp}, real sockets, port 0): {@code GET /metrics} answers
 * exposition pages as an engine's metrics library wrote them, replayed from testdata/netfuzz/engines/ENGINE/metrics.http
 * ({@link Recordings}: the engine emulators' pages, vLLM's and SGLang's prometheus_client, TGI's metrics-exporter-
 * prometheus, llama.cpp's own writer), status line and headers as recorded, body with its length. Given several pages
 * it serves them in turn, scrape i getting page i and every scrape after the last page that page again, so that a
 * test can make counters move between scrapes.
 */
public final class FakePrometheus implements AutoCloseable {
    private final HttpBytes.Recorded recorded;
    private final List<byte[]> pages;
    private final LoopbackHttp http;

    private FakePrometheus(HttpBytes.Recorded recorded, List<byte[]> pages) throws IOException {
        this.recorded = recorded;
        this.pages = new ArrayList<>(pages);
        this.http = LoopbackHttp.keepAlive().on("/metrics", (r, out) -> {
            int i = Math.min(http().begun("/metrics") - 1, this.pages.size() - 1);
            out.write(HttpBytes.response(recorded.status(), recorded.headers(), this.pages.get(i),
                    HttpBytes.Framing.LENGTH, 0));
        });
    }

    /** The page {@code engine}'s emulator served, for every scrape. */
    public static FakePrometheus of(String engine) throws IOException {
        HttpBytes.Recorded r = Recordings.read(engine, "metrics");
        return new FakePrometheus(r, List.of(r.body()));
    }

    /** {@code pages} in turn, with the status line and headers {@code engine}'s emulator served its page with. */
    public static FakePrometheus pages(String engine, List<byte[]> pages) throws IOException {
        return new FakePrometheus(Recordings.read(engine, "metrics"), pages);
    }

    /** An answer for a route of another server: {@code engine}'s recorded page, as recorded, every time. */
    public static LoopbackHttp.Answer recordedPage(String engine) throws IOException {
        HttpBytes.Recorded r = Recordings.read(engine, "metrics");
        byte[] wire = HttpBytes.response(r.status(), r.headers(), r.body(), HttpBytes.Framing.LENGTH, 0);
        return (req, out) -> out.write(wire);
    }

    /** The recorded answer (its body: the page). */
    public HttpBytes.Recorded recorded() {
        return recorded;
    }

    /** http://127.0.0.1:PORT/metrics */
    public String url() {
        return http.url() + "/metrics";
    }

    /** Pages sent whole so far. */
    public int served() {
        return http.whole("/metrics");
    }

    private LoopbackHttp http() {
        return http;
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
