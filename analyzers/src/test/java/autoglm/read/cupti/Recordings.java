package autoglm.read.cupti;

import autoglm.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The committed H100 recording (tools/make-cupti-testdata.sh) and its independent expectations. */
final class Recordings {
    static final String DECODE = "testdata/cupti/glm8-eager-decode-31passes.bin.gz";

    private Recordings() {
    }

    static Path decode() {
        return Fixtures.root().resolve(DECODE);
    }

    /** What tools/cupti_check.py computed from the raw CSV. */
    static JsonNode expected() throws IOException {
        return new ObjectMapper().readTree(Fixtures.root().resolve("testdata/expected/cupti-31passes.json").toFile());
    }

    /** The uncompressed bytes of the decode recording. */
    static byte[] decodeBytes() throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(decode()))) {
            return in.readAllBytes();
        }
    }
}
