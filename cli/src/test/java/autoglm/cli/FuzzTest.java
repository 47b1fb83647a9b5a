package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import autoglm.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates the real H100 inputs (Kineto traces, the CUPTI recording, the replayed run folder with the
 * workload's recorded events, a diagnose result JSON) with truncations, byte flips, wrong-typed fields and
 * special values (NaN, Infinity, 1e308, 2^63, huge integers, empty strings), and runs diagnose, gate,
 * compare and export on each: the exit code must be 0, 1 or 2, every
 * stderr line one "autoglm: " line, never a stack trace or an internal error, and no case may hang.
 *
 * Bounded for CI: 30 s by default. Longer, or another seed (docs/user-guide.md "Fuzzing"):
 * {@code mvn -pl cli test -Dtest=FuzzTest -Dautoglm.fuzz.seconds=3600 -Dautoglm.fuzz.seed=7} (or the
 * environment variables AUTOGLM_FUZZ_SECONDS and AUTOGLM_FUZZ_SEED). A failing case's input is kept in
 * cli/target/fuzz-failures/ and its seed and case number are in the message.
 */
class FuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @TempDir
    Path tmp;

    private Random rnd;
    private int caseNo;

    private static long setting(String property, String env, long dflt) {
        String v = System.getProperty(property, System.getenv(env));
        return v == null || v.isBlank() ? dflt : Long.parseLong(v.trim());
    }

    /** A case: the arguments to run and what was done to the input (for the failure message). */
    private record Case(List<String> args, String what, Path input) {
    }

    @Test
    void mutatedInputsExitZeroOneOrTwoWithOneLineAndNeverHang() throws Exception {
        long seconds = setting("autoglm.fuzz.seconds", "AUTOGLM_FUZZ_SECONDS", 30);
        long seed = setting("autoglm.fuzz.seed", "AUTOGLM_FUZZ_SEED", 20261128);
        rnd = new Random(seed);
        List<byte[]> traces = new ArrayList<>();
        for (String t : List.of(Fixtures.PAGEABLE, Fixtures.DATALOADER)) {
            traces.add(gunzip(Files.readAllBytes(Fixtures.trace(t))));
        }
        byte[] cupti = gunzip(Files.readAllBytes(Fixtures.root().resolve("testdata/cupti/glm8-eager-decode-31passes.bin.gz")));
        Path run = Fixtures.root().resolve("testdata/runs/h100-replay");
        Map<Integer, Integer> codes = new TreeMap<>();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            caseNo++;
            Case c = switch (caseNo % 4) {
                case 0 -> traceCase(traces.get(rnd.nextInt(traces.size())));
                case 1 -> cuptiCase(cupti);
                case 2 -> resultCase(traces.get(0));
                default -> runCase(run);
            };
            Run r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Run.of(c.args().toArray(String[]::new)),
                    () -> failure(c, "hung for 60 s"));
            check(c, r);
            codes.merge(r.code(), 1, Integer::sum);
        }
        System.out.println("FuzzTest: seed " + seed + ", " + caseNo + " cases in " + seconds + " s, exit codes " + codes);
    }

    private void check(Case c, Run r) {
        if (r.code() < 0 || r.code() > 2) {
            throw new AssertionError(failure(c, "exit " + r.code() + ": " + r.err()));
        }
        if (r.err().contains("Exception") || r.err().contains("\tat ") || r.err().contains("internal error")) {
            throw new AssertionError(failure(c, "a stack trace or an internal error: " + r.err()));
        }
        for (String line : r.err().split("\n")) {
            if (!line.isEmpty() && !line.startsWith("autoglm: ")) {
                throw new AssertionError(failure(c, "a stderr line that is not one autoglm line: '" + line + "' in: " + r.err()));
            }
        }
        if (r.code() == 2 && r.err().isBlank()) {
            throw new AssertionError(failure(c, "exit 2 without a line saying why"));
        }
    }

    /** Keeps the input for reproduction; the message names seed, case and mutation. */
    private String failure(Case c, String what) {
        Path keep = Path.of("target", "fuzz-failures", "case-" + caseNo);
        try {
            Files.createDirectories(keep);
            if (Files.isDirectory(c.input())) {
                try (Stream<Path> s = Files.list(c.input())) {
                    for (Path p : s.toList()) {
                        Files.copy(p, keep.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } else {
                Files.copy(c.input(), keep.resolve(c.input().getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // the message still says what was done
        }
        return "fuzz case " + caseNo + " (" + c.what() + "), args " + c.args() + ", input kept in " + keep.toAbsolutePath()
                + ": " + what;
    }

    // ---- traces

    private Case traceCase(byte[] original) throws IOException {
        byte[] bytes;
        String what;
        switch (rnd.nextInt(4)) {
            case 0 -> {
                ObjectNode t = (ObjectNode) JSON.readTree(original);
                what = wrongTypes(t, 1 + rnd.nextInt(4));
                bytes = JSON.writeValueAsBytes(t);
            }
            case 1 -> {
                int at = rnd.nextInt(original.length);
                bytes = java.util.Arrays.copyOf(original, at);
                what = "truncated at byte " + at;
            }
            case 2 -> {
                bytes = original.clone();
                what = flip(bytes, 1 + rnd.nextInt(8), 0);
            }
            default -> {
                ObjectNode t = (ObjectNode) JSON.readTree(original);
                what = topLevel(t);
                bytes = JSON.writeValueAsBytes(t);
            }
        }
        String name = "trace-" + caseNo + ".json";
        if (rnd.nextInt(3) == 0) {
            bytes = gzip(bytes);
            name += ".gz";
            if (rnd.nextInt(4) == 0) {
                int at = 1 + rnd.nextInt(bytes.length - 1);
                bytes = java.util.Arrays.copyOf(bytes, at);
                what += ", gzipped and cut at byte " + at;
            } else {
                what += ", gzipped";
            }
        }
        Path p = Files.write(tmp.resolve(name), bytes);
        return new Case(diagnoseArgs(p), what, p);
    }

    private List<String> diagnoseArgs(Path input) {
        switch (rnd.nextInt(8)) {
            case 0:
                return List.of("export", input.toString(), "--perfetto", tmp.resolve("out.json").toString());
            case 1:
                return List.of("compare", Fixtures.trace(Fixtures.PAGEABLE).toString(), input.toString());
            default:
                break;
        }
        List<String> args = new ArrayList<>(List.of("diagnose", "--color", "never"));
        switch (rnd.nextInt(3)) {
            case 0 -> args.addAll(List.of("--format", "json", "-o", tmp.resolve("out.json").toString()));
            case 1 -> args.addAll(List.of("--format", "markdown"));
            default -> args.addAll(List.of("--top-kernels", "50"));
        }
        args.add(input.toString());
        return args;
    }

    /** Values no field expects: wrong types and special numbers. */
    private JsonNode special() {
        return switch (rnd.nextInt(16)) {
            case 0 -> F.arrayNode();
            case 1 -> F.objectNode();
            case 2 -> F.booleanNode(rnd.nextBoolean());
            case 3 -> F.nullNode();
            case 4 -> F.textNode("");
            case 5 -> F.textNode("NaN");
            case 6 -> F.textNode("Infinity");
            case 7 -> F.numberNode(-1);
            case 8 -> F.numberNode(0);
            case 9 -> F.numberNode(1e308);
            case 10 -> F.numberNode(-1e308);
            case 11 -> F.numberNode(Long.MAX_VALUE);
            case 12 -> F.numberNode(new BigInteger("1" + "0".repeat(30)));
            case 13 -> F.textNode("x".repeat(1 + rnd.nextInt(2000)));
            case 14 -> F.textNode("\u0000\u001b[2J\u202e");
            default -> F.numberNode(-0.0);
        };
    }

    private String wrongTypes(ObjectNode trace, int n) {
        JsonNode events = trace.get("traceEvents");
        StringBuilder what = new StringBuilder("wrong-typed fields:");
        if (events == null || !events.isArray() || events.isEmpty()) {
            return "no events to mutate";
        }
        String[] fields = {"ph", "name", "cat", "ts", "dur", "pid", "tid", "args", "id", "bp"};
        for (int i = 0; i < n; i++) {
            int e = rnd.nextInt(events.size());
            JsonNode ev = events.get(e);
            if (!ev.isObject()) {
                continue;
            }
            if (rnd.nextInt(4) == 0 && ev.get("args") instanceof ObjectNode args && args.size() > 0) {
                List<String> names = new ArrayList<>();
                args.fieldNames().forEachRemaining(names::add);
                String f = names.get(rnd.nextInt(names.size()));
                args.set(f, special());
                what.append(" event ").append(e).append(" args.").append(f);
            } else {
                String f = fields[rnd.nextInt(fields.length)];
                ((ObjectNode) ev).set(f, special());
                what.append(" event ").append(e).append(' ').append(f);
            }
        }
        return what.toString();
    }

    private String topLevel(ObjectNode trace) {
        List<String> names = new ArrayList<>();
        trace.fieldNames().forEachRemaining(names::add);
        names.add("traceEvents");
        String f = names.get(rnd.nextInt(names.size()));
        if (rnd.nextBoolean() && trace.get(f) instanceof ArrayNode a && a.size() > 0) {
            a.set(rnd.nextInt(a.size()), special());
            return "an element of top-level " + f + " replaced";
        }
        trace.set(f, special());
        return "top-level " + f + " replaced";
    }

    // ---- result JSON (diagnose --format json), judged by gate and compare

    private byte[] resultOf(byte[] trace) throws IOException {
        if (resultJson == null) {
            Path t = Files.write(tmp.resolve("base-trace.json"), trace);
            Path out = tmp.resolve("base-result.json");
            Run r = Run.of("diagnose", "--format", "json", "-o", out.toString(), t.toString());
            if (r.code() > 1) {
                throw new AssertionError("the base result: " + r.err());
            }
            resultJson = Files.readAllBytes(out);
        }
        return resultJson;
    }

    private byte[] resultJson;

    private Case resultCase(byte[] trace) throws IOException {
        byte[] original = resultOf(trace);
        ObjectNode root = (ObjectNode) JSON.readTree(original);
        String what;
        switch (rnd.nextInt(4)) {
            case 0 -> {
                JsonNode metrics = root.get("metrics");
                List<String> names = new ArrayList<>();
                metrics.fieldNames().forEachRemaining(names::add);
                String m = names.get(rnd.nextInt(names.size()));
                String[] fields = {"value", "unit", "n", "p50", "p99", "stdev", "reason", "bad", "text"};
                String f = fields[rnd.nextInt(fields.length)];
                ((ObjectNode) metrics.get(m)).set(f, special());
                what = "metrics." + m + "." + f + " replaced";
            }
            case 1 -> {
                List<String> names = new ArrayList<>();
                root.fieldNames().forEachRemaining(names::add);
                String f = names.get(rnd.nextInt(names.size()));
                root.set(f, special());
                what = "top-level " + f + " replaced";
            }
            case 2 -> {
                JsonNode findings = root.get("findings");
                if (findings.isArray() && findings.size() > 0) {
                    ObjectNode one = (ObjectNode) findings.get(rnd.nextInt(findings.size()));
                    String[] fields = {"rule", "severity", "title", "summary", "gain", "evidence"};
                    String f = fields[rnd.nextInt(fields.length)];
                    one.set(f, special());
                    what = "a finding's " + f + " replaced";
                } else {
                    what = "no finding to mutate";
                }
            }
            default -> {
                byte[] b = JSON.writeValueAsBytes(root);
                int at = rnd.nextInt(b.length);
                Path p = Files.write(tmp.resolve("result-" + caseNo + ".json"), java.util.Arrays.copyOf(b, at));
                return new Case(List.of("gate", "--baseline", p.toString(), "--current", p.toString()),
                        "result truncated at byte " + at, p);
            }
        }
        Path base = Files.write(tmp.resolve("result-base.json"), original);
        Path p = Files.write(tmp.resolve("result-" + caseNo + ".json"), JSON.writeValueAsBytes(root));
        List<String> args = rnd.nextBoolean() ? List.of("gate", "--baseline", base.toString(), "--current", p.toString())
                : rnd.nextBoolean() ? List.of("gate", "--baseline", p.toString(), "--current", base.toString())
                : List.of("compare", base.toString(), p.toString());
        return new Case(args, what, p);
    }

    // ---- CUPTI

    private Case cuptiCase(byte[] original) throws IOException {
        byte[] bytes = original.clone();
        String what;
        switch (rnd.nextInt(3)) {
            case 0 -> {
                int at = rnd.nextInt(bytes.length);
                bytes = java.util.Arrays.copyOf(bytes, at);
                what = "truncated at byte " + at;
            }
            case 1 -> what = flip(bytes, 1 + rnd.nextInt(4), 0);
            default -> what = resigned(bytes);
        }
        Path p = Files.write(tmp.resolve("cupti-" + caseNo + ".bin"), bytes);
        return new Case(diagnoseArgs(p), what, p);
    }

    /** Special values written into a chunk's records, the chunk's CRC-32 fixed so the records are decoded. */
    private String resigned(byte[] all) {
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        List<int[]> chunks = new ArrayList<>();
        int at = 16;
        while (at + 16 <= all.length) {
            int len = b.getInt(at + 4);
            if (len < 0 || at + 16 + len > all.length) {
                break;
            }
            chunks.add(new int[] {at, len});
            at += 16 + len;
        }
        if (chunks.isEmpty()) {
            return "no chunk";
        }
        int[] c = chunks.get(rnd.nextInt(chunks.size()));
        int edits = 1 + rnd.nextInt(6);
        long[] values = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1_000_000_000_000L, 1};
        for (int i = 0; i < edits; i++) {
            int pos = c[0] + 16 + rnd.nextInt(Math.max(1, c[1] - 8)) / 4 * 4;
            if (rnd.nextBoolean()) {
                b.putLong(pos, values[rnd.nextInt(values.length)]);
            } else {
                b.put(pos, (byte) rnd.nextInt(256));
            }
        }
        CRC32 crc = new CRC32();
        crc.update(all, c[0] + 16, c[1]);
        b.putInt(c[0] + 8, (int) crc.getValue());
        return edits + " edits in the chunk at byte " + c[0] + ", its CRC fixed";
    }

    // ---- run folders

    private Case runCase(Path base) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run-" + caseNo));
        try (Stream<Path> s = Files.list(base)) {
            for (Path p : s.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        if (rnd.nextInt(3) == 0) {
            // a workload run: its events, recorded by the GLM workload, then mutated line by line
            String[] logs = {"glm-tiny-multi-turn.jsonl", "glm-tiny-mixed-lengths.jsonl"};
            Files.copy(Fixtures.root().resolve("testdata/workload").resolve(logs[rnd.nextInt(logs.length)]),
                    dir.resolve("events.jsonl"));
        }
        String[] files = Files.exists(dir.resolve("events.jsonl")) ? new String[] {"events.jsonl", "events.jsonl",
            "run.json", "gpu.csv", "gpm.csv"} : new String[] {"run.json", "gpu.csv", "gpm.csv"};
        String file = files[rnd.nextInt(files.length)];
        Path f = dir.resolve(file);
        byte[] bytes = Files.readAllBytes(f);
        String what;
        if (file.equals("events.jsonl") && rnd.nextInt(3) > 0) {
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
            int edits = 1 + rnd.nextInt(4);
            StringBuilder w = new StringBuilder(edits + " event fields replaced:");
            for (int i = 0; i < edits; i++) {
                int l = rnd.nextInt(lines.length);
                JsonNode e;
                try {
                    e = JSON.readTree(lines[l]);
                } catch (IOException ex) {
                    continue;
                }
                if (e instanceof ObjectNode o && o.size() > 0) {
                    List<String> names = new ArrayList<>();
                    o.fieldNames().forEachRemaining(names::add);
                    String n = names.get(rnd.nextInt(names.size()));
                    o.set(n, special());
                    lines[l] = JSON.writeValueAsString(o);
                    w.append(" line ").append(l).append(' ').append(n);
                }
            }
            bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
            what = w.toString();
        } else if (file.equals("run.json") && rnd.nextBoolean()) {
            ObjectNode o = (ObjectNode) JSON.readTree(bytes);
            List<String> names = new ArrayList<>();
            Iterator<String> it = o.fieldNames();
            it.forEachRemaining(names::add);
            String n = names.get(rnd.nextInt(names.size()));
            o.set(n, special());
            bytes = JSON.writeValueAsBytes(o);
            what = "run.json " + n + " replaced";
        } else if (file.endsWith(".csv") && rnd.nextInt(3) > 0) {
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            int edits = 1 + rnd.nextInt(5);
            String[] cells = {"NaN", "Infinity", "-Infinity", "1e308", "-1e308", "1e400", "-1", "abc", "", "0x",
                "99999999999999999999999", "\u001b[2J", "1,2,3"};
            for (int i = 0; i < edits; i++) {
                int l = rnd.nextInt(lines.length);
                String[] c = lines[l].split(",", -1);
                c[rnd.nextInt(c.length)] = cells[rnd.nextInt(cells.length)];
                lines[l] = String.join(",", c);
            }
            bytes = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
            what = edits + " cells of " + file + " replaced";
        } else if (rnd.nextBoolean()) {
            int at = rnd.nextInt(bytes.length + 1);
            bytes = java.util.Arrays.copyOf(bytes, at);
            what = file + " truncated at byte " + at;
        } else {
            what = file + ": " + flip(bytes, 1 + rnd.nextInt(6), 0);
        }
        Files.write(f, bytes);
        List<String> args = rnd.nextInt(3) == 0
                ? List.of("gate", "--baseline", base.toString(), "--current", dir.toString())
                : diagnoseArgs(dir);
        return new Case(args, what, dir);
    }

    // ---- bytes

    private String flip(byte[] bytes, int n, int from) {
        StringBuilder sb = new StringBuilder("bytes flipped at");
        for (int i = 0; i < n && bytes.length > from; i++) {
            int at = from + rnd.nextInt(bytes.length - from);
            bytes[at] = (byte) rnd.nextInt(256);
            sb.append(' ').append(at);
        }
        return sb.toString();
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(raw);
        }
        return out.toByteArray();
    }
}
