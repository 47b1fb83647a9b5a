package autoglm.loopback;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tests' HTTP/1.1 server: loopback (127.0.0.1, a port the OS picks), real sockets, a thread per connection, and
 * every answer written byte for byte as a test chooses (framing, headers and pacing included: what a hostile or
 * broken server sends as well as what an engine does). A connection is closed after one answer
 * ({@link #closing}) or read for the next request until the client closes it ({@link #keepAlive}). It answers each
 * path as {@link #on} says, anything else as its fallback (404 unless given), and it keeps what happened so that
 * tests wait on conditions, not on time: per path the requests begun, the answers written whole and those the client
 * cut off (its connection closed mid-answer), and every request in arrival order.
 */
public final class LoopbackHttp implements AutoCloseable {
    /** Larger request heads are not read (the connection is closed). */
    private static final int MAX_HEAD_BYTES = 1 << 20;

    /**
     * One request as read: method, target (path and query), headers with lower-cased names, body, its place in
     * arrival order (0-based), and the connection's input (an answer may wait on it for the client to close).
     */
    public record Request(String method, String target, Map<String, String> headers, byte[] body, int index,
            InputStream connection) {
        public String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        /** The query (after '?', percent-decoded), or "" without one. */
        public String query() {
            int q = target.indexOf('?');
            return q < 0 ? "" : java.net.URLDecoder.decode(target.substring(q + 1), StandardCharsets.UTF_8);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Writes the whole answer (status line, headers, body) to {@code out}; may pace it or block as long as it likes. */
    public interface Answer {
        void write(Request request, OutputStream out) throws IOException, InterruptedException;
    }

    private static final Answer NOT_FOUND = (r, out) -> out.write(
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

    private final ServerSocket socket;
    private final boolean keepAlive;
    private final Answer fallback;
    private final Map<String, Answer> routes = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> begun = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> whole = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> cut = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    private LoopbackHttp(boolean keepAlive, Answer fallback, int port) throws IOException {
        this.keepAlive = keepAlive;
        this.fallback = fallback;
        socket = new ServerSocket(port, 256, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "loopback-http-accept");
        t.setDaemon(true);
        t.start();
    }

    /** One request a connection, every request answered by {@code answer}; the connection closed after. */
    public static LoopbackHttp closing(Answer answer) throws IOException {
        return new LoopbackHttp(false, answer, 0);
    }

    /** As {@link #closing(Answer)}, each request answered by the {@link HttpBytes.Reply} {@code replies} gives it. */
    public static LoopbackHttp replying(java.util.function.Function<Request, HttpBytes.Reply> replies)
            throws IOException {
        return closing((r, out) -> replies.apply(r).write(out));
    }

    /** Requests read from a connection until the client closes it; each path answered as {@link #on} says, else 404. */
    public static LoopbackHttp keepAlive() throws IOException {
        return keepAlive(0);
    }

    /** Requests read from a connection until the client closes it, every one answered by {@code answer}. */
    public static LoopbackHttp keepAlive(Answer answer) throws IOException {
        return new LoopbackHttp(true, answer, 0);
    }

    /** As {@link #keepAlive()}, listening on {@code port} (0: the OS picks). */
    public static LoopbackHttp keepAlive(int port) throws IOException {
        return new LoopbackHttp(true, NOT_FOUND, port);
    }

    /** Requests to {@code path} (its query left out) answered by {@code answer}. */
    public LoopbackHttp on(String path, Answer answer) {
        routes.put(path, answer);
        return this;
    }

    /** http://127.0.0.1:PORT */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Requests to {@code path} whose answer began. */
    public int begun(String path) {
        return count(begun, path);
    }

    /** Answers to {@code path} written whole. */
    public int whole(String path) {
        return count(whole, path);
    }

    /** Answers to {@code path} the client cut off (its connection closed mid-answer). */
    public int cut(String path) {
        return count(cut, path);
    }

    /** The requests received, in arrival order. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The request bodies received (UTF-8), in arrival order. */
    public List<String> bodies() {
        return requests().stream().map(Request::bodyText).toList();
    }

    private static int count(Map<String, AtomicInteger> m, String path) {
        AtomicInteger n = m.get(path);
        return n == null ? 0 : n.get();
    }

    private static void add(Map<String, AtomicInteger> m, String path) {
        m.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "loopback-http-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            do {
                Request r = read(in, out);
                if (r == null) {
                    return;
                }
                String path = r.path();
                add(begun, path);
                try {
                    routes.getOrDefault(path, fallback).write(r, out);
                    out.flush();
                    add(whole, path);
                } catch (IOException e) {
                    add(cut, path);
                    return;
                }
            } while (keepAlive && !closed);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client went away or the test ended: nothing to answer
        } finally {
            open.remove(s);
        }
    }

    /**
     * The next request, or null at the connection's end or on bytes that are no HTTP request (a TLS hello: answered
     * 400 as an HTTP server answers it, and the connection closed).
     */
    private Request read(InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int c = in.read();
            if (c < 0 || head.size() > MAX_HEAD_BYTES) {
                return null;
            }
            if (head.size() == 0 && (c < 'A' || c > 'Z')) {
                out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return null;
            }
            head.write(c);
            last4 = (last4 << 8) | c;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] first = lines[0].split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        synchronized (requests) {
            Request r = new Request(first[0], first.length > 1 ? first[1] : "/", headers, body, requests.size(), in);
            requests.add(r);
            return r;
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
