package autoglm.loopback;

import autoglm.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * testdata/netfuzz/engines/ENGINE/{models,metrics,stream}.http: the raw answers tools/netfuzz_record.py recorded from
 * the engine emulators of cli/src/test/emulators (vLLM, SGLang, TGI, llama.cpp; each emulator module names the engine
 * source files its chunk shapes and pages follow). No engine runs here: these are the emulators' answers.
 */
public final class Recordings {
    /** The engines recorded. */
    public static final List<String> ENGINES = List.of("vllm", "sglang", "tgi", "llamacpp");

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private Recordings() {
    }

    public static Path dir(String engine) {
        return Fixtures.root().resolve("testdata/netfuzz/engines").resolve(engine);
    }

    /** {@code models}, {@code metrics} or {@code stream} of {@code engine}, read back (chunked framing removed). */
    public static HttpBytes.Recorded read(String engine, String what) throws IOException {
        return HttpBytes.Recorded.read(dir(engine).resolve(what + ".http"));
    }

    /** The completion_tokens of the recorded stream's usage chunk (Jackson over its events), or -1 without one. */
    public static long completionTokens(String engine) throws IOException {
        long n = -1;
        for (String e : events(read(engine, "stream"))) {
            String data = e.strip().substring("data:".length()).strip();
            if (!data.equals("[DONE]")) {
                com.fasterxml.jackson.databind.JsonNode usage = JSON.readTree(data).path("usage");
                if (usage.isObject()) {
                    n = usage.get("completion_tokens").asLong();
                }
            }
        }
        return n;
    }

    /** The SSE events of a recorded stream, each with its blank line ("data: ...\n\n"), in order. */
    public static List<String> events(HttpBytes.Recorded stream) {
        List<String> out = new ArrayList<>();
        for (String e : new String(stream.body(), StandardCharsets.UTF_8).split("(?<=\n\n)")) {
            if (!e.isBlank()) {
                out.add(e);
            }
        }
        return out;
    }
}
