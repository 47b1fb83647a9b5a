package autoglm.cli;

import java.io.BufferedInputStream;
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
import java.util.List;
import java.util.Locale;

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

    private final ServerSocket socket;
    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    private final Answer answer;

    HostileServer(Answer answer) throws IOException {
        this.answer = answer;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "hostile-server");
        t.setDaemon(true);
        t.start();
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** The request bodies received, in arrival order. */
    List<String> bodies() {
        synchronized (bodies) {
            return List.copyOf(bodies);
        }
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread t = new Thread(() -> serve(s), "hostile-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            long length = 0;
            for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(line.substring(15).strip());
                }
            }
            byte[] body = in.readNBytes((int) length);
            int index;
            synchronized (bodies) {
                index = bodies.size();
                bodies.add(new String(body, StandardCharsets.UTF_8));
            }
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            answer.write(index, out);
            out.flush();
        } catch (IOException e) {
            // the client closed the connection: what a hostile server meets when the client ends the answer
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return null;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1).strip();
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
        socket.close();
    }
}
