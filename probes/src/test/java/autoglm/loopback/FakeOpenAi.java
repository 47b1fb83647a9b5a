package autoglm.loopback;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A fake OpenAI-compatible engine on loopback ({@link LoopbackHttp}, real sockets, port 0) that replays what an
 * engine emulator answered (testdata/netfuzz/engines/ENGINE, see {@link Recordings}): {@code GET /v1/models} the
 * recorded models.http (status, headers and body as recorded); {@code GET /health} 200 as the emulators answer it
 * (empty for vLLM, SGLang and TGI, llama.cpp's {@code {"status":"ok"}}); any other path 404 with an empty body (TGI's
 * 404; the emulators of the others add a JSON body); and every {@code POST /v1/chat/completions} the recorded
 * stream.http: its status line and headers, then its SSE events one HTTP chunk each (the framing the engines use),
 * flushed one by one as an engine streams them. The same answer for every request whatever it asks: the recording's
 * tokens. With {@link #holdAfter} the streams stop after that many events and wait (the connection open) until
 * {@link #release} or {@link #close}: a request in flight for as long as a test needs.
 */
public final class FakeOpenAi implements AutoCloseable {
    private final String engine;
    private final HttpBytes.Recorded models;
    private final HttpBytes.Recorded stream;
    private final List<String> events;
    private final LoopbackHttp http;
    private volatile int holdAfter = -1;
    private final CountDownLatch released = new CountDownLatch(1);

    private FakeOpenAi(String engine, int port) throws IOException {
        this.engine = engine;
        this.models = Recordings.read(engine, "models");
        this.stream = Recordings.read(engine, "stream");
        this.events = Recordings.events(stream);
        this.http = LoopbackHttp.keepAlive(port)
                .on("/v1/models", (r, out) -> out.write(HttpBytes.response(models.status(), models.headers(),
                        models.body(), HttpBytes.Framing.LENGTH, 0)))
                .on("/health", (r, out) -> out.write(health(engine)))
                .on("/v1/chat/completions", this::streamAnswer);
    }

    /** /health as the emulators answer it (engines/base.py, llamacpp.py, tgi.py): llama.cpp's JSON, else empty. */
    private static byte[] health(String engine) {
        if (engine.equals("llamacpp")) {
            return HttpBytes.response("HTTP/1.1 200 OK", List.<String[]>of(new String[] {"Content-Type",
                "application/json; charset=utf-8"}), "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8),
                    HttpBytes.Framing.LENGTH, 0);
        }
        return HttpBytes.response("HTTP/1.1 200 OK", List.of(), new byte[0], HttpBytes.Framing.LENGTH, 0);
    }

    /** {@code engine} (one of {@link Recordings#ENGINES}) on a port the OS picks. */
    public static FakeOpenAi start(String engine) throws IOException {
        return new FakeOpenAi(engine, 0);
    }

    /** {@code engine} on {@code port} (0: the OS picks). */
    public static FakeOpenAi start(String engine, int port) throws IOException {
        return new FakeOpenAi(engine, port);
    }

    public String engine() {
        return engine;
    }

    /** http://127.0.0.1:PORT, the API's base. */
    public String url() {
        return http.url();
    }

    public int port() {
        return http.port();
    }

    /** The server underneath: what it was sent, and per path the answers begun, whole and cut. */
    public LoopbackHttp http() {
        return http;
    }

    /** The recorded stream's SSE events, as every answer sends them. */
    public List<String> events() {
        return events;
    }

    /** From now on each stream stops after {@code n} events until {@link #release} (or {@link #close}). */
    public FakeOpenAi holdAfter(int n) {
        holdAfter = n;
        return this;
    }

    /** Lets every held stream go on to its end. */
    public void release() {
        released.countDown();
    }

    private void streamAnswer(LoopbackHttp.Request r, OutputStream out) throws IOException, InterruptedException {
        StringBuilder head = new StringBuilder(stream.status()).append("\r\n");
        for (String[] kv : stream.headers()) {
            head.append(kv[0]).append(": ").append(kv[1]).append("\r\n");
        }
        head.append("Transfer-Encoding: chunked\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        int hold = holdAfter;
        for (int i = 0; i < events.size(); i++) {
            if (i == hold) {
                released.await(); // close() releases it too
            }
            HttpBytes.chunk(out, events.get(i).getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        release();
        http.close();
    }
}
