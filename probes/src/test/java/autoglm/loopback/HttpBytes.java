package autoglm.loopback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * HTTP at the byte level for {@link LoopbackHttp}'s answers: recorded responses read back (status line, headers,
 * body de-chunked: testdata/netfuzz's {@code *.http}), responses framed as chosen (length, chunks, or the
 * connection's end), answers paced (stalled, dripped, trickled) and SSE pieces.
 */
public final class HttpBytes {
    private HttpBytes() {
    }

    /** A response as recorded: its status line, its headers in order, its body (chunked framing removed). */
    public record Recorded(String status, List<String[]> headers, byte[] body) {
        /** Reads a raw response; Content-Length, Connection and chunked Transfer-Encoding are left to the framing. */
        public static Recorded read(Path p) throws IOException {
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
            byte[] body = Arrays.copyOfRange(all, end + 4, all.length);
            return new Recorded(lines[0], headers, chunked ? dechunk(body) : body);
        }

        /** The value of header {@code name} (any case), or null. */
        public String header(String name) {
            for (String[] kv : headers) {
                if (kv[0].equalsIgnoreCase(name)) {
                    return kv[1];
                }
            }
            return null;
        }
    }

    /** How a body is framed on the wire. */
    public enum Framing {
        LENGTH, CHUNKED, CLOSE
    }

    /** The bytes of a response: the status line, the headers, the framing's own header and the framed body. */
    public static byte[] response(String status, List<String[]> headers, byte[] body, Framing framing, int chunkBytes) {
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

    public static byte[] dechunk(byte[] b) {
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

    public static int indexOf(byte[] a, byte[] what, int from) {
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

    /** Writes a response to a connection; may pace it or hold the connection open. */
    public interface Reply {
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

    /** Headers of a 200 answer of {@code type} whose body ends when the connection closes (no length, no chunks). */
    public static byte[] headers(String type) {
        return ("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The status line and headers of an SSE stream with no length: its end is the connection's. */
    public static void streamHead(OutputStream out) throws IOException {
        out.write(headers("text/event-stream"));
    }

    /** A 200 answer whose {@code body} goes out one byte every {@code everyMs}, after its headers at once. */
    public static LoopbackHttp.Answer trickle(String type, String body, long everyMs) {
        return (r, out) -> {
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
    public static LoopbackHttp.Answer stall(String type, String start) {
        return (r, out) -> {
            out.write(headers(type));
            out.write(start.getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (r.connection().read() < 0) {
                throw new IOException("the client closed the connection");
            }
        };
    }

    /** A whole answer of {@code status} with its length: {@code body} as UTF-8 of {@code contentType}. */
    public static void send(OutputStream out, int status, String contentType, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + (status == 200 ? " OK" : " Status") + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
    }

    /**
     * A 200 answer of {@code contentType} in chunks (Transfer-Encoding: chunked), as a server that writes its answer
     * as it is made: its head written now, each write (or each buffer of a writer above) one chunk, and the last
     * chunk on close (the connection is left open).
     */
    public static OutputStream chunked(OutputStream out, String contentType) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) {
                    chunk(out, Arrays.copyOfRange(b, off, off + len));
                }
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        };
    }

    /** One HTTP/1.1 chunk (Transfer-Encoding: chunked). */
    public static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** One SSE event of text, in the OpenAI chunk shape. */
    public static byte[] event(String content) {
        return ("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"}}]}\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
