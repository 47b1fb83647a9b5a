package autoglm.read.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kernels-window.json is written and read through one record: the text is the one docs/formats.md describes (its
 * keys in that order, snake_case, a key without a value left out), it reads back as written, and a key the record
 * does not declare is refused in one line.
 */
class KernelWindowFileTest {
    @TempDir
    Path tmp;

    @Test
    void aCutWindowIsWrittenAsDocumentedAndReadBack() throws Exception {
        KernelWindowFile w = KernelWindowFile.cut(1_700_000_000_000_000_000L, 1_700_000_012_500_000_000L, true, false,
                List.of(KernelWindowFile.Recording.cut("cupti-4242.bin", 1200, 30, 4, 0),
                        KernelWindowFile.Recording.failed("cupti-7.bin.gz",
                                "not cut: only a recording as the library writes it (.bin) is cut")));
        w.write(tmp);
        assertEquals("""
                {
                  "cut" : true,
                  "from_unix_ns" : 1700000000000000000,
                  "to_unix_ns" : 1700000012500000000,
                  "flushed_at_start" : true,
                  "flushed_at_end" : false,
                  "recordings" : [ {
                    "file" : "cupti-4242.bin",
                    "kept" : 1200,
                    "before" : 30,
                    "after" : 4,
                    "unplaced" : 0
                  }, {
                    "file" : "cupti-7.bin.gz",
                    "error" : "not cut: only a recording as the library writes it (.bin) is cut"
                  } ]
                }
                """, Files.readString(tmp.resolve("kernels-window.json")));
        assertEquals(w, KernelWindowFile.read(tmp));
    }

    @Test
    void aWindowNotCutSaysWhy() throws Exception {
        KernelWindowFile.notCut("no process of the server initialised CUDA: nothing was recorded").write(tmp);
        assertEquals("""
                {
                  "cut" : false,
                  "why" : "no process of the server initialised CUDA: nothing was recorded"
                }
                """, Files.readString(tmp.resolve("kernels-window.json")));
        assertEquals(false, KernelWindowFile.read(tmp).cut());
    }

    @Test
    void anUnknownKeyIsOneLine() throws Exception {
        Files.writeString(tmp.resolve("kernels-window.json"), "{\"cut\": true, \"recordings\": [{\"file\": \"a.bin\", "
                + "\"keep\": 3}]}");
        BadInputException e = assertThrows(BadInputException.class, () -> KernelWindowFile.read(tmp));
        assertTrue(e.getMessage().endsWith("kernels-window.json: malformed (recordings[0]: unknown key 'keep' (the keys "
                + "are after, before, error, file, kept, unplaced))"), e.getMessage());
        assertThrows(BadInputException.class, () -> KernelWindowFile.read(tmp.resolve("none")));
    }
}
