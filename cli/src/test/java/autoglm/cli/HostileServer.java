package autoglm.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A server on loopback (port 0, a real socket) that answers each POST as a test tells it: what a hostile or broken
 * server sends (floods, huge lines, huge headers, huge error bodies), byte by byte as written, HTTP/1.1, one
 * connection a request, closed after the answer. It keeps the bodies of the requests it was sent.
 */
final class HostileServer implements AutoCloseable {
    /** Writes the whole answer (status line, headers, body) to request {@code index} (0-based, in arrival order). */
    interface Answer {
        void write(int index, OutputStream out) throws IOException;
    }

    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    private final RawHttp.Server server;

    HostileServer(Answer answer) throws IOException {
        // RawHttp's loopback server reads each request and closes the connection after the answer
        this.server = new RawHttp.Server(req -> {
            int index;
            synchronized (bodies) {
                index = bodies.size();
                bodies.add(new String(req.body(), StandardCharsets.UTF_8));
            }
            return out -> {
                OutputStream b = new BufferedOutputStream(out, 64 * 1024);
                answer.write(index, b);
                b.flush();
            };
        });
    }

    String url() {
        return server.url();
    }

    /** The request bodies received, in arrival order. */
    List<String> bodies() {
        synchronized (bodies) {
            return List.copyOf(bodies);
        }
    }

    /** The status line and headers of a stream with no length: its end is the connection's. */
    static void streamHead(OutputStream out) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** One HTTP/1.1 chunk (Transfer-Encoding: chunked). */
    static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** One SSE event of text. */
    static byte[] event(String content) {
        return ("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"}}]}\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
