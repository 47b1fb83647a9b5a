package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** -o, --html, --markdown, --junit, --perfetto: regular files replaced atomically, anything else written in place. */
class OutputFilesTest {
    @TempDir
    Path tmp;

    private static String trace() {
        return Fixtures.trace(Fixtures.DECODE_KV).toString();
    }

    private static void oneLine(Run r) {
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    private List<String> leftovers() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    private static void mkfifo(Path p) throws Exception {
        Process pr = new ProcessBuilder("mkfifo", p.toString()).start();
        Assumptions.assumeTrue(pr.waitFor(10, TimeUnit.SECONDS) && pr.exitValue() == 0, "mkfifo is not available");
    }

    @Test
    void aFifoIsWrittenInPlaceAndStaysAFifo() throws Exception {
        Path fifo = tmp.resolve("report.fifo");
        mkfifo(fifo);
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Run r = Run.of("diagnose", "--format", "json", "-o", fifo.toString(), trace());
        assertEquals(0, r.code(), r.err());
        String json = new String(reader.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{") && json.contains("\"tool\" : \"autoglm\""), json.substring(0, Math.min(200, json.length())));
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo) && !Files.isDirectory(fifo), "still a FIFO");
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aDeviceNodeIsWrittenInPlaceNotReplaced() throws Exception {
        // a null device of our own (mknod c 1 3), so a regression cannot touch the system's /dev/null
        Path dev = tmp.resolve("null");
        Process pr = new ProcessBuilder("mknod", dev.toString(), "c", "1", "3").start();
        Assumptions.assumeTrue(pr.waitFor(10, TimeUnit.SECONDS) && pr.exitValue() == 0, "mknod needs root");
        Run r = Run.of("diagnose", "--html", dev.toString(), "--markdown", dev.toString(), trace());
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.isRegularFile(dev), "the device was replaced by a regular file");
        assertEquals(0, Files.size(dev));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aSymlinkTargetKeepsTheLinkAndReplacesTheFileItPointsTo() throws Exception {
        Path real = tmp.resolve("real.md");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(tmp.resolve("link.md"), real);
        Run r = Run.of("diagnose", "--format", "markdown", "-o", link.toString(), trace());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(Files.readString(real).contains("autoglm"), Files.readString(real));
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling.md"), tmp.resolve("nowhere/x.md"));
        Run d = Run.of("diagnose", "-o", dangling.toString(), trace());
        assertEquals(ExitCodes.BAD_INPUT, d.code());
        oneLine(d);
        assertTrue(d.err().contains("-o " + dangling + ": a symbolic link to a file that does not exist"), d.err());
    }

    @Test
    void aSymlinkPlantedAtTheOldTempNameIsNotFollowed() throws Exception {
        Path victim = tmp.resolve("victim.txt");
        Files.writeString(victim, "precious");
        Path out = tmp.resolve("out.json");
        Files.createSymbolicLink(tmp.resolve("out.json.tmp"), victim);
        Path junit = tmp.resolve("gate.xml");
        Files.createSymbolicLink(tmp.resolve("gate.xml.tmp"), victim);
        assertEquals(0, Run.of("diagnose", "--format", "json", "-o", out.toString(), trace()).code());
        assertEquals(0, Run.of("gate", "--baseline", trace(), "--current", trace(), "--junit", junit.toString()).code());
        assertEquals("precious", Files.readString(victim));
        assertTrue(Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.readString(junit).contains("<testsuites"));
        assertEquals(List.of("gate.xml.tmp", "out.json.tmp").stream().sorted().toList(),
                leftovers().stream().sorted().toList(), "only the planted links, untouched");
    }

    @Test
    void devStdoutWritesToWhateverStandardOutputIsAPipeHere() throws Exception {
        // a child JVM, its stdout a pipe: /dev/stdout -> /proc/self/fd/1 -> pipe:[N], which realpath cannot resolve
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "autoglm.cli.Main", "diagnose", "--format", "json", "-o",
                "/dev/stdout", trace()).redirectError(tmp.resolve("err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("err")));
        assertTrue(out.startsWith("{") && out.contains("\"tool\" : \"autoglm\""), out.substring(0, Math.min(200, out.length())));
    }

    @Test
    void aLongTargetNameStillFitsItsTemporaryFile() throws Exception {
        Path out = tmp.resolve("n".repeat(250) + ".json");
        Run r = Run.of("diagnose", "--format", "json", "-o", out.toString(), trace());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(out) > 100);
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aNewFileIsReadableLikeAnyOtherAndAReplacedOneKeepsItsMode() throws Exception {
        Path out = tmp.resolve("new.json");
        assertEquals(0, Run.of("diagnose", "--format", "json", "-o", out.toString(), trace()).code());
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        assertEquals(0, Run.of("diagnose", "--format", "json", "-o", out.toString(), trace()).code());
        assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    }

    @Test
    void devFullIsAnErrorNamingTheOption() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")), "no /dev/full");
        for (String[] args : List.of(new String[] {"diagnose", "-o", "/dev/full", trace()},
                new String[] {"diagnose", "--html", "/dev/full", trace()},
                new String[] {"diagnose", "--markdown", "/dev/full", trace()},
                new String[] {"gate", "--baseline", trace(), "--current", trace(), "--junit", "/dev/full"},
                new String[] {"export", trace(), "--perfetto", "/dev/full"})) {
            Run r = Run.of(args);
            assertEquals(ExitCodes.BAD_INPUT, r.code(), String.join(" ", args) + ": " + r.err());
            oneLine(r);
            String option = args[args.length - 1].equals("/dev/full") ? args[args.length - 2] : args[1];
            assertTrue(r.err().contains(option + " /dev/full: cannot write (No space left on device)"), r.err());
        }
    }

    @Test
    void standardOutputThatCannotBeWrittenIsAnError() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")), "no /dev/full");
        for (String[] args : List.of(new String[] {"diagnose", trace()}, new String[] {"rules"},
                new String[] {"gate", "--baseline", trace(), "--current", trace()})) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (PrintStream full = new PrintStream(new FileOutputStream("/dev/full"), false, StandardCharsets.UTF_8)) {
                int code = Main.run(new Io(full, new PrintStream(err, true, StandardCharsets.UTF_8), false), args);
                String e = err.toString(StandardCharsets.UTF_8);
                assertEquals(ExitCodes.BAD_INPUT, code, args[0] + ": " + e);
                assertTrue(e.contains("cannot write to standard output"), e);
            }
        }
    }

    @Test
    void aFullDiskLeavesTheOldReportAndNoTemporaryFile() throws Exception {
        try (TinyDisk disk = TinyDisk.mount(tmp.resolve("disk"), 64, 1)) {
            Path out = disk.dir.resolve("report.json");
            Files.writeString(out, "the previous report");
            for (String opt : List.of("-o", "--html", "--markdown")) {
                Run r = Run.of("diagnose", "--format", "json", opt, out.toString(), trace());
                assertEquals(ExitCodes.BAD_INPUT, r.code(), opt + ": " + r.err());
                assertTrue(r.err().contains(opt + " " + out + ": cannot write (No space left on device)"), r.err());
                assertEquals("the previous report", Files.readString(out));
                try (Stream<Path> s = Files.list(disk.dir)) {
                    assertEquals(List.of("filler", "report.json"), s.map(p -> p.getFileName().toString()).sorted().toList());
                }
            }
        }
    }
}
