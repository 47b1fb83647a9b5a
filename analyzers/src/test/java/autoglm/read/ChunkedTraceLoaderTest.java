package autoglm.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import autoglm.Fixtures;
import autoglm.model.trace.ApiCalls;
import autoglm.model.trace.DataLoss;
import autoglm.model.trace.GpuActivities;
import autoglm.model.trace.LoadProgress;
import autoglm.model.trace.SpanTable;
import autoglm.model.trace.TraceModel;
import autoglm.util.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One trace parsed on several cores gives the model a single pass gives, to the last name id: on every real trace of
 * testdata (the H100 fixtures, the bundled example, HTA's public traces), cut into small chunks so that each is many
 * chunks; and on texts made from them that the chunk scan must get right or hand back to the single pass.
 */
class ChunkedTraceLoaderTest {
    private static final int SMALL_CHUNK = 64 << 10;

    static Stream<Path> realTraces() throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(Fixtures.root().resolve("testdata/traces"))) {
            s.sorted().forEach(all::add);
        }
        all.add(Fixtures.trace(Fixtures.DECODE8));
        all.add(Fixtures.root().resolve("testdata/hta/mi250_minitoy_train_ROCm6_2_kineto.json.gz"));
        all.add(Fixtures.root().resolve("testdata/hta/ranks/sampled_rank-0.json.gz"));
        all.add(Fixtures.root().resolve("testdata/hta/ranks/sampled_rank-1.json.gz"));
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("realTraces")
    void chunksGiveTheModelOfOnePass(Path trace) {
        TraceModel one = TraceLoader.inOnePass(trace, LoadProgress.NONE);
        TraceModel chunked = ChunkedTraceLoader.load(trace, LoadProgress.NONE, 3, SMALL_CHUNK, true);
        assertNotNull(chunked, trace + " was not cut into chunks");
        assertSameModel(one, chunked);
    }

    @Test
    void aSmallFileIsReadInOnePass() {
        assertNull(ChunkedTraceLoader.load(Fixtures.trace(Fixtures.DECODE8), LoadProgress.NONE, 2,
                ChunkedTraceLoader.CHUNK_BYTES, false), "3 MB of gzip is read in one pass");
        assertNull(ChunkedTraceLoader.load(Fixtures.trace(Fixtures.PAGEABLE), LoadProgress.NONE, 2,
                ChunkedTraceLoader.CHUNK_BYTES, false), "a 14 kB trace is read in one pass");
    }

    @Test
    void aSmallHeapBoundsTheChunksInMemoryWhateverTheCores() {
        int mib = 1 << 20;
        assertEquals(5, ChunkedTraceLoader.window(2, 4 * mib, 512L * mib), "2 cores: two chunks a thread and one");
        // 64 cores in -Xmx512m: 64 MiB for chunks of 4 MiB (6 MiB with their columns) is 10, not 129
        assertEquals(10, ChunkedTraceLoader.window(64, 4 * mib, 512L * mib));
        assertEquals(2, ChunkedTraceLoader.window(64, 4 * mib, 32L * mib), "never fewer than 2");
    }

    @Test
    void aLargePlainFileIsCutIntoChunksOfTheDefaultSize(@TempDir Path dir) throws IOException {
        // the example, inflated: 48 MB of JSON, over the 8 MiB from which chunks pay; 12 chunks of 4 MiB
        Path plain = Files.writeString(dir.resolve("example.json"), json(Fixtures.trace(Fixtures.DECODE8)));
        TraceModel model = ChunkedTraceLoader.load(plain, LoadProgress.NONE, 2, ChunkedTraceLoader.CHUNK_BYTES, false);
        assertNotNull(model);
        assertSameModel(TraceLoader.inOnePass(plain, LoadProgress.NONE), model);
    }

    @Test
    void stringsWithBracketsQuotesAndEscapesDoNotCutAnEvent(@TempDir Path dir) throws IOException {
        // a real trace whose kernel names are given the characters a cut must not be fooled by, escaped as JSON does
        String text = json(Fixtures.trace(Fixtures.DECODE_KV)).replace("\"name\": \"void ",
                "\"name\": \"}]{[\\\" \\\\\\\"} {\\\\ \\u007d void ");
        Path file = Files.writeString(dir.resolve("odd-names.json"), text);
        TraceModel chunked = ChunkedTraceLoader.load(file, LoadProgress.NONE, 2, 4096, true);
        assertNotNull(chunked);
        assertSameModel(TraceLoader.inOnePass(file, LoadProgress.NONE), chunked);
        assertEquals(true, namesOf(chunked).stream().anyMatch(n -> n.startsWith("}]{[\" \\\"} {\\ } void ")));
    }

    @Test
    void aCutInsideAStringIsCaughtAndTheFileReadInOnePass(@TempDir Path dir) throws IOException {
        // names holding "}, {", where a cut is placed: the chunk does not parse to its end, and one pass reads it
        String text = json(Fixtures.trace(Fixtures.DECODE_KV)).replace("\"name\": \"void ",
                "\"name\": \"a}, {b void ");
        Path file = Files.writeString(dir.resolve("cut-names.json"), text);
        assertNull(ChunkedTraceLoader.load(file, LoadProgress.NONE, 2, 4096, true));
        assertSameModel(TraceLoader.inOnePass(file, LoadProgress.NONE), TraceLoader.load(file, LoadProgress.NONE, 2,
                4096, true));
    }

    @Test
    void theBareArrayFormatIsCutToo(@TempDir Path dir) throws IOException {
        String text = json(Fixtures.trace(Fixtures.DATALOADER));
        int open = text.indexOf('[', text.indexOf("\"traceEvents\""));
        int close = text.lastIndexOf(']');
        Path file = Files.writeString(dir.resolve("array.json"), text.substring(open, close + 1));
        TraceModel chunked = ChunkedTraceLoader.load(file, LoadProgress.NONE, 2, 4096, true);
        assertNotNull(chunked);
        assertEquals(true, chunked.header().arrayFormat());
        assertSameModel(TraceLoader.inOnePass(file, LoadProgress.NONE), chunked);
    }

    @Test
    void whatTheScanDoesNotExpectIsReadInOnePassWithItsOwnMessage(@TempDir Path dir) throws IOException {
        String text = json(Fixtures.trace(Fixtures.DATALOADER));
        int mid = text.indexOf("{", text.length() / 2);
        List<String> broken = List.of(
                text.substring(0, mid) + "{\"ph\": \"X\", \"ts\": 1,, " + text.substring(mid + 1), // invalid JSON
                text.substring(0, mid) + "17, " + text.substring(mid),                             // not an object
                text.substring(0, mid),                                                            // truncated
                text + " {}");                                                                     // after the trace
        for (int i = 0; i < broken.size(); i++) {
            Path file = Files.writeString(dir.resolve("broken-" + i + ".json"), broken.get(i));
            String onePass = message(() -> TraceLoader.inOnePass(file, LoadProgress.NONE));
            String chunked = message(() -> TraceLoader.load(file, LoadProgress.NONE, 2, 4096, true));
            assertEquals(onePass, chunked, "broken text " + i);
        }
        // an element that is not an object is counted as malformed, in chunks as in one pass
        Path notObject = dir.resolve("broken-1.json");
        TraceModel chunked = ChunkedTraceLoader.load(notObject, LoadProgress.NONE, 2, 4096, true);
        assertNotNull(chunked);
        assertSameModel(TraceLoader.inOnePass(notObject, LoadProgress.NONE), chunked);
    }

    @Test
    void aSecondEventsArrayAfterTheFirstIsCountedAsTheOnePassCountsIt(@TempDir Path dir) throws IOException {
        String text = json(Fixtures.trace(Fixtures.DATALOADER));
        int end = text.lastIndexOf('}');
        Path file = Files.writeString(dir.resolve("two.json"),
                text.substring(0, end) + ", \"traceEvents\": [{\"ph\": \"X\"}]}");
        TraceModel chunked = ChunkedTraceLoader.load(file, LoadProgress.NONE, 2, 4096, true);
        assertNotNull(chunked);
        assertSameModel(TraceLoader.inOnePass(file, LoadProgress.NONE), chunked);
    }

    private static String message(Runnable r) {
        try {
            r.run();
            return "(read without error)";
        } catch (BadInputException e) {
            return e.getMessage();
        }
    }

    private static String json(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static List<String> namesOf(TraceModel m) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < m.names().size(); i++) {
            names.add(m.names().get(i));
        }
        return names;
    }

    /** Every column of the two models, row by row, and what they say of the file. */
    static void assertSameModel(TraceModel a, TraceModel b) {
        assertEquals(namesOf(a), namesOf(b), "names, in id order");
        assertEquals(a.shapes().size(), b.shapes().size(), "shapes");
        for (int i = 0; i < a.shapes().size(); i++) {
            assertEquals(java.util.Arrays.toString(a.shapes().sequence(i)), java.util.Arrays.toString(b.shapes().sequence(i)));
        }
        assertEquals(a.header(), b.header());
        assertEquals(a.firstTs(), b.firstTs());
        assertEquals(a.lastEnd(), b.lastEnd());
        assertEquals(a.source().jsonBytes(), b.source().jsonBytes());
        assertEquals(a.source().events(), b.source().events());
        assertEquals(a.readCounts().events(), b.readCounts().events());
        assertEquals(a.readCounts().malformed(), b.readCounts().malformed());
        for (DataLoss.Group g : DataLoss.Group.values()) {
            assertEquals(a.dataLoss().get(g), b.dataLoss().get(g), g.toString());
        }
        GpuActivities ga = a.gpu();
        GpuActivities gb = b.gpu();
        assertEquals(ga.size(), gb.size(), "GPU activities");
        for (int i = 0; i < ga.size(); i++) {
            assertEquals(List.of(ga.kind(i), ga.start(i), ga.dur(i), ga.device(i), ga.stream(i), ga.correlation(i),
                    ga.name(i), ga.bytes(i), ga.occupancyPct(i), ga.blocksPerSm(i), ga.launch(i)),
                    List.of(gb.kind(i), gb.start(i), gb.dur(i), gb.device(i), gb.stream(i), gb.correlation(i),
                            gb.name(i), gb.bytes(i), gb.occupancyPct(i), gb.blocksPerSm(i), gb.launch(i)), "GPU row " + i);
        }
        ApiCalls ca = a.api();
        ApiCalls cb = b.api();
        assertEquals(ca.size(), cb.size(), "API calls");
        for (int i = 0; i < ca.size(); i++) {
            assertEquals(List.of(ca.start(i), ca.dur(i), ca.name(i), ca.tid(i), ca.correlation(i), ca.isDriver(i),
                    ca.gpuCount(i), ca.firstGpu(i)), List.of(cb.start(i), cb.dur(i), cb.name(i), cb.tid(i),
                    cb.correlation(i), cb.isDriver(i), cb.gpuCount(i), cb.firstGpu(i)), "API row " + i);
        }
        assertSameSpans(a.cpuOps(), b.cpuOps(), "CPU op");
        assertSameSpans(a.annotations(), b.annotations(), "annotation");
        assertSameSpans(a.gpuAnnotations(), b.gpuAnnotations(), "GPU annotation");
    }

    private static void assertSameSpans(SpanTable a, SpanTable b, String what) {
        assertEquals(a.size(), b.size(), what + "s");
        for (int i = 0; i < a.size(); i++) {
            assertEquals(List.of(a.start(i), a.dur(i), a.name(i), a.thread(i), a.shape(i), a.depth(i)),
                    List.of(b.start(i), b.dur(i), b.name(i), b.thread(i), b.shape(i), b.depth(i)), what + " row " + i);
        }
    }

}
