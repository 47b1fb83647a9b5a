package autoglm.read.trace;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.read.TraceLoader;
import autoglm.util.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gives a BadInputException with one line naming the file and the problem. */
class BadInputTest {
    @TempDir
    Path tmp;

    private String failure(Path p) {
        BadInputException e = assertThrows(BadInputException.class, () -> TraceLoader.load(p));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(p.toString()), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    private Path file(String name, byte[] content) throws Exception {
        return Files.write(tmp.resolve(name), content);
    }

    private static byte[] plainJson() throws Exception {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Fixtures.trace(Fixtures.PAGEABLE)))) {
            return in.readAllBytes();
        }
    }

    @Test
    void missingFile() {
        assertTrue(failure(tmp.resolve("nope.json")).endsWith("no such file"));
    }

    @Test
    void directory() {
        assertTrue(failure(tmp).contains("is a directory"));
    }

    @Test
    void emptyFile() throws Exception {
        assertTrue(failure(file("empty.json", new byte[0])).contains("empty"));
    }

    @Test
    void truncatedGzip() throws Exception {
        byte[] gz = Files.readAllBytes(Fixtures.trace(Fixtures.PAGEABLE));
        String msg = failure(file("cut.json.gz", Arrays.copyOf(gz, gz.length / 2)));
        assertTrue(msg.contains("gzip data ends early"), msg);
    }

    @Test
    void corruptGzip() throws Exception {
        byte[] gz = Files.readAllBytes(Fixtures.trace(Fixtures.PAGEABLE));
        for (int i = gz.length / 3; i < gz.length / 3 + 64; i++) {
            gz[i] = (byte) ~gz[i];
        }
        String msg = failure(file("bad.json.gz", gz));
        assertTrue(msg.contains("gzip data is corrupt") || msg.contains("not valid JSON"), msg);
    }

    @Test
    void truncatedJson() throws Exception {
        byte[] json = plainJson();
        String msg = failure(file("cut.json", Arrays.copyOf(json, json.length / 2)));
        assertTrue(msg.contains("JSON ends early"), msg);
    }

    @Test
    void notJson() throws Exception {
        String msg = failure(file("notes.txt", "this is not a trace\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(msg.contains("not valid JSON at line 1"), msg);
    }

    @Test
    void jsonWithoutTraceEvents() throws Exception {
        String msg = failure(file("other.json", "{\"schemaVersion\": 1, \"events\": []}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(msg.contains("no traceEvents"), msg);
    }

    @Test
    void traceEventsNotAnArray() throws Exception {
        String msg = failure(file("obj.json", "{\"traceEvents\": {}}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(msg.contains("traceEvents is an object, not an array") || msg.contains("not an array"), msg);
    }

    @Test
    void scalarJson() throws Exception {
        assertTrue(failure(file("n.json", "42".getBytes(StandardCharsets.UTF_8))).contains("not a Chrome/Kineto trace"));
    }

    @Test
    void noEvents() throws Exception {
        assertTrue(failure(file("none.json", "{\"traceEvents\": []}".getBytes(StandardCharsets.UTF_8)))
                .contains("holds no events"));
    }

    @Test
    void gzipOfGarbage() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(b)) {
            gz.write("<html>not json</html>".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(failure(file("page.json.gz", b.toByteArray())).contains("not valid JSON"));
    }
}
