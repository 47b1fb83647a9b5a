package autoglm.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile HTTP/1.1 server on loopback (127.0.0.1, a port the OS picks) for the client's bounds (issue 32): each
 * path answers as its {@link Handler} says (a page sent a byte a second, a stream that stops mid-answer, a page of
 * hundreds of thousands of series), on a thread per connection, with real sockets. It counts what happened per path
 * (requests begun, answers sent whole, connections the client closed) so that tests wait on conditions, not on time.
 */
final class PathServer implements AutoCloseable {
    /** Writes the whole answer (status line, headers, body) to {@code out}; may block as long as it likes. */
    interface Handler {
        void answer(Socket socket, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> begun = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> whole = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> cut = new ConcurrentHashMap<>();
    private volatile boolean closed;

    PathServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "hostile-server");
        t.setDaemon(true);
        t.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    PathServer on(String path, Handler h) {
        routes.put(path, h);
        return this;
    }

    /** Requests to {@code path} whose answer began. */
    int begun(String path) {
        return count(begun, path);
    }

    /** Answers to {@code path} written whole. */
    int whole(String path) {
        return count(whole, path);
    }

    /** Answers to {@code path} the client cut off (its connection closed mid-answer). */
    int cut(String path) {
        return count(cut, path);
    }

    private static int count(Map<String, AtomicInteger> m, String path) {
        AtomicInteger n = m.get(path);
        return n == null ? 0 : n.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "hostile-conn");
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
            OutputStream out = s.getOutputStream();
            while (!closed) {
                String head = head(in);
                if (head == null) {
                    return;
                }
                String[] first = head.split("\r\n", 2)[0].split(" ");
                String path = first.length > 1 ? first[1].split("\\?", 2)[0] : "/";
                int length = 0;
                for (String h : head.split("\r\n")) {
                    if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(h.substring(15).trim());
                    }
                }
                in.readNBytes(length);
                Handler h = routes.get(path);
                begun.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
                try {
                    if (h == null) {
                        out.write(("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    } else {
                        h.answer(s, out);
                    }
                    out.flush();
                    whole.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
                } catch (IOException e) {
                    cut.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
                    return;
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the connection ends
        } finally {
            open.remove(s);
        }
    }

    /** The request's line and headers, or null at the end of the connection. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int last4 = 0;
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            last4 = (last4 << 8) | c;
            if (last4 == 0x0d0a0d0a) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    /** Headers of a 200 answer of {@code type} whose body ends when the connection closes (no length, no chunks). */
    static byte[] headers(String type) {
        return ("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A 200 answer whose {@code body} goes out one byte every {@code everyMs}, after its headers at once. */
    static Handler trickle(String type, String body, long everyMs) {
        return (s, out) -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nContent-Length: " + b.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (byte x : b) {
                out.write(x);
                out.flush();
                Thread.sleep(everyMs);
            }
        };
    }

    /**
     * A 200 answer that sends {@code start} and then nothing more, the connection held open until the client closes
     * it (read returns its end) or the server does.
     */
    static Handler stall(String type, String start) {
        return (s, out) -> {
            out.write(headers(type));
            out.write(start.getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (s.getInputStream().read() < 0) {
                throw new IOException("the client closed the connection");
            }
        };
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
