package autoglm.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import autoglm.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load run folder with the server's kernel recordings is diagnosed with its served steps (load --serve --kernels).
 * The files were not recorded together (none can be on a CPU): the load of testdata/load/agent-glm-tiny and the H100
 * recording of testdata/cupti, which is five days older. So its 31 passes all began before the load's first scrape,
 * and the diagnosis says exactly that instead of inventing a batch.
 */
class ServedRunTest {
    @TempDir
    Path tmp;

    @Test
    void aLoadRunWithKernelsHasItsStepsAndSaysWhyNoneHasABatch() throws IOException {
        Path src = Fixtures.root().resolve("testdata/load/agent-glm-tiny");
        try (var s = Files.list(src)) {
            for (Path p : s.toList()) {
                Files.copy(p, tmp.resolve(p.getFileName()));
            }
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                Fixtures.root().resolve("testdata/cupti/glm8-eager-decode-31passes.bin.gz")))) {
            Files.copy(in, tmp.resolve("cupti-4242.bin"));
        }
        Diagnosis d = Diagnoser.withDefaults().diagnoseRun(tmp, n -> { }).diagnosis();
        assertNotNull(d.served());
        assertEquals(31, d.served().steps().size());
        assertEquals(31, d.served().unmatched());
        assertEquals("no step began after the server's first scrape", d.served().reason());
        assertEquals("no step began after the server's first scrape", d.metrics().get("served_steps").reason());
        // the steps need no batch for their long ones: eager decode passes of even length have none
        assertEquals("no server step longer than 3x the median step", d.metrics().get("served_long_step_ms").reason());
        assertEquals(autoglm.rules.Severity.NOT_APPLICABLE, d.findings().stream()
                .filter(f -> f.rule().equals("launch-bound-low-batch")).findFirst().orElseThrow().severity());
    }
}
