package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prefill-stalls-decode} on the server's own profiler trace against the load (both views), with a real
 * {@code autoglm serve} (glm-tiny on the CPU): long prompts arriving four a second while earlier answers stream make
 * long prefill steps inside which the streams' long gaps lie, and the rule fires; the same prompts one at a time make
 * the same long steps, but no other stream runs during them, and it stays silent by construction: no long step began
 * beside another request, so no gap lies in one (docs/analyses.md, "Served steps"), however slow a step the machine
 * makes. The long steps and gaps equal tools/served_steps_check.py's count from the run's files.
 */
class ServedRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private JsonNode serverProfile(String name, String profile, String inputLen, String outputLen) throws Exception {
        return serverProfile(name, "glm-tiny", "--workload", "synthetic", "--profile", profile, "--input-len", inputLen,
                "--output-len", outputLen, "--requests", "16", "--server-profile", "8");
    }

    /** {@code load ... --serve -- autoglm serve --model MODEL}: the server-profile diagnosis, its figures checked. */
    private JsonNode serverProfile(String name, String model, String... load) throws Exception {
        int port = LoadServeTest.freePort();
        Path out = tmp.resolve(name);
        List<String> args = new java.util.ArrayList<>(List.of("load", "http://127.0.0.1:" + port, "--out",
                out.toString()));
        args.addAll(List.of(load));
        args.addAll(List.of("--python", LoadServeTest.python(), "--serve", "--", "autoglm", "serve", "--model", model,
                "--port", Integer.toString(port)));
        Run r = Run.of(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        Path run;
        try (Stream<Path> runs = Files.list(out)) {
            run = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        JsonNode d = JSON.readTree(run.resolve("server-profile/diagnosis.json").toFile());
        JsonNode check = ServerProfileTest.servedStepsCheck(run);
        JsonNode expected = check.get("long_steps");
        JsonNode m = d.get("metrics");
        JsonNode vision = check.get("vision");
        if (vision.get("steps").asInt() == 0) {
            assertTrue(m.get("served_vision_prefill_pct").get("value").isNull());
        } else {
            assertEquals(vision.get("steps").asInt(), m.get("served_vision_prefill_pct").get("n").asInt());
            assertEquals(vision.get("pct").asDouble(), m.get("served_vision_prefill_pct").get("value").asDouble(), 1e-3);
            assertEquals(vision.get("median_ms").asDouble(), m.get("served_vision_ms").get("value").asDouble(), 1e-3);
        }
        if (expected.get("count").asInt() == 0) {
            assertTrue(m.get("served_long_step_ms").get("value").isNull(), m.get("served_long_step_ms").toString());
        } else {
            assertEquals(expected.get("count").asInt(), m.get("served_long_step_ms").get("n").asInt());
            assertEquals(expected.get("median_ms").asDouble(), m.get("served_long_step_ms").get("value").asDouble(), 1e-3);
            assertEquals(expected.get("factor").asDouble(), m.get("served_long_step_factor").get("value").asDouble(),
                    1e-3);
            assertEquals(expected.get("time_pct").asDouble(), m.get("served_long_step_time_pct").get("value")
                    .asDouble(), 1e-3);
            assertEquals(expected.get("long_steps_beside").asInt(), m.get("served_long_steps_beside").get("value").asInt());
            if (expected.has("gaps_in_long_steps_pct")) {
                assertEquals(expected.get("long_gaps").asInt(), m.get("served_itl_gaps_in_long_steps_pct").get("n")
                        .asInt());
                assertEquals(expected.get("gaps_in_long_steps_pct").asDouble(),
                        m.get("served_itl_gaps_in_long_steps_pct").get("value").asDouble(), 1e-3);
            }
        }
        return d;
    }

    private static JsonNode finding(JsonNode d, String rule) {
        for (JsonNode f : d.get("findings")) {
            if (f.get("rule").asText().equals(rule)) {
                return f;
            }
        }
        throw new AssertionError("no " + rule);
    }

    @Test
    void longPromptsStallTheStreamsInsideTheServersLongSteps() throws Exception {
        JsonNode f = finding(serverProfile("long", "constant:4", "1200", "400"), "prefill-stalls-decode");
        assertTrue(List.of("info", "warning").contains(f.get("severity").asText()), f.toString());
    }

    @Test
    void longPromptsOneAtATimeHaveNoStreamToStall() throws Exception {
        JsonNode d = serverProfile("sync", "sync", "1200", "64");
        JsonNode f = finding(d, "prefill-stalls-decode");
        assertFalse(List.of("info", "warning").contains(f.get("severity").asText()), f.toString());
        assertTrue(d.get("metrics").get("served_long_step_ms").get("value").isNumber(), "the prefills are long steps");
        // one request in flight at every step: none of the long steps can have stalled another stream
        JsonNode share = d.get("metrics").get("served_itl_gaps_in_long_steps_pct");
        assertTrue(share.get("value").isNull() || share.get("value").asDouble() == 0, share.toString());
    }

    @Test
    void largeScreenshotsSpendTheirPrefillInTheVisionEncoder() throws Exception {
        JsonNode f = finding(serverProfile("vision", "autoglm-phone-tiny", "--image", "448x896", "--think-time",
                "50ms-150ms", "--sessions", "2", "--steps", "3", "--server-profile", "4"), "vision-encoder-share");
        assertTrue(List.of("info", "warning").contains(f.get("severity").asText()), f.toString());
    }

    @Test
    void smallImagesUnderLongPromptsLeaveTheEncoderLittle() throws Exception {
        JsonNode d = serverProfile("small", "autoglm-phone-tiny", "--workload", "synthetic", "--profile", "sync",
                "--input-len", "1200", "--output-len", "16", "--requests", "6", "--image", "56x112", "--server-profile",
                "4");
        JsonNode f = finding(d, "vision-encoder-share");
        assertEquals("ok", f.get("severity").asText(), f.toString());
        assertTrue(d.get("metrics").get("served_vision_prefill_pct").get("value").isNumber(), "the encoder ran");
    }
}
