package autoglm.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * HTTP at the byte level, for tests that need what no well-behaved server sends: recorded responses read back
 * (status line, headers, body de-chunked), and a loopback server that answers each request with bytes a test
 * chose (framing, headers and pacing included) and closes the connection after.
 */
final class RawHttp {
    private RawHttp() {
    }

    /** A response as recorded: its status line, its headers in order, its body (chunked framing removed). */
    record Recorded(String status, List<String[]> headers, byte[] body) {
        static Recorded read(Path p) throws IOException {
            byte[] all = Files.readAllBytes(p);
            int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
            String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
            List<String[]> headers = new ArrayList<>();
            boolean chunked = false;
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                String name = lines[i].substring(0, c).trim();
                String value = lines[i].substring(c + 1).trim();
                if (name.equalsIgnoreCase("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                    chunked = true;
                } else if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("connection")) {
                    headers.add(new String[] {name, value});
                }
            }
            byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
            return new Recorded(lines[0], headers, chunked ? dechunk(body) : body);
        }
    }

    /** How a body is framed on the wire. */
    enum Framing {
        LENGTH, CHUNKED, CLOSE
    }

    /** The bytes of a response: the status line, the headers, the framing's own header and the framed body. */
    static byte[] response(String status, List<String[]> headers, byte[] body, Framing framing, int chunkBytes) {
        StringBuilder h = new StringBuilder(status).append("\r\n");
        for (String[] kv : headers) {
            h.append(kv[0]).append(": ").append(kv[1]).append("\r\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (framing) {
            case LENGTH -> h.append("Content-Length: ").append(body.length).append("\r\n");
            case CHUNKED -> h.append("Transfer-Encoding: chunked\r\n");
            default -> { }
        }
        h.append("Connection: close\r\n\r\n");
        out.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (framing == Framing.CHUNKED) {
            for (int i = 0; i < body.length; i += chunkBytes) {
                int n = Math.min(chunkBytes, body.length - i);
                out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, i, n);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    static byte[] dechunk(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < b.length) {
            int eol = indexOf(b, new byte[] {'\r', '\n'}, i);
            int n = Integer.parseInt(new String(b, i, eol - i, StandardCharsets.US_ASCII).trim(), 16);
            if (n == 0) {
                break;
            }
            out.write(b, eol + 2, n);
            i = eol + 2 + n + 2;
        }
        return out.toByteArray();
    }

    static int indexOf(byte[] a, byte[] what, int from) {
        outer:
        for (int i = from; i <= a.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (a[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** One request as the server read it: method, target (path and query), headers lower-cased, body. */
    record Request(String method, String target, java.util.Map<String, String> headers, byte[] body) {
        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
    }

    /** Writes a response to a connection; may pace it or hold the connection open. */
    interface Reply {
        void write(OutputStream out) throws IOException, InterruptedException;

        static Reply of(byte[] bytes) {
            return out -> out.write(bytes);
        }

        /** The first {@code n} bytes, then nothing until the client gives up or {@code holdMs} passes. */
        static Reply stalling(byte[] bytes, int n, long holdMs) {
            return out -> {
                out.write(bytes, 0, Math.min(n, bytes.length));
                out.flush();
                Thread.sleep(holdMs);
            };
        }

        /** The bytes a few at a time, {@code tickMs} apart, for at most {@code maxMs}. */
        static Reply dripping(byte[] bytes, int perTick, long tickMs, long maxMs) {
            return out -> {
                long end = System.nanoTime() + maxMs * 1_000_000;
                for (int i = 0; i < bytes.length && System.nanoTime() < end; i += perTick) {
                    out.write(bytes, i, Math.min(perTick, bytes.length - i));
                    out.flush();
                    Thread.sleep(tickMs);
                }
            };
        }
    }

    /** A loopback server: each connection gets one request read and one reply written, then is closed. */
    static final class Server implements AutoCloseable {
        private final ServerSocket socket;
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private final Thread acceptor;

        Server(Function<Request, Reply> responder) throws IOException {
            socket = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        open.add(s);
                        Thread t = new Thread(() -> serve(s, responder), "raw-http-conn");
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "raw-http-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }

        private void serve(Socket s, Function<Request, Reply> responder) {
            try (s) {
                Request r = read(s.getInputStream());
                if (r != null) {
                    OutputStream out = s.getOutputStream();
                    responder.apply(r).write(out);
                    out.flush();
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                // the client went away or the test ended: nothing to answer
            } finally {
                open.remove(s);
            }
        }

        private static Request read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int state = 0;
            while (state < 4) {
                int b = in.read();
                if (b < 0 || head.size() > 1 << 20) {
                    return null;
                }
                head.write(b);
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                        ? state + 1 : 0;
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            String[] first = lines[0].split(" ");
            java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                if (c > 0) {
                    headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
                }
            }
            int n = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(n);
            return new Request(first[0], first.length > 1 ? first[1] : "/", headers, body);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) {
                try {
                    s.close();
                } catch (SocketException e) {
                    // already closed
                }
            }
        }
    }
}
