package autoglm.cli;

import autoglm.loopback.HttpBytes;
import autoglm.loopback.LoopbackHttp;
import autoglm.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network counterpart of FuzzTest (issue 32): a loopback server answers `autoglm load` and `autoglm diagnose
 * --prometheus` with recorded good answers (testdata/netfuzz, tools/netfuzz_record.py: the engine emulators' streams,
 * model lists and /metrics pages, and Debian Prometheus's answers) mutated in their bytes, numbers, lines, framing,
 * headers and pacing. Each case runs autoglm as a child JVM with a small heap ({@value #HEAP}) inside a wall-clock
 * bound ({@value #WALL_S} s around the process): the exit code must be 0, 1 or 2, every stderr line one "autoglm: "
 * line, never a stack trace, an internal error or an OutOfMemoryError; a load's run folder is kept and never left
 * "running"; and no figure in the JSON report is impossible (not finite, a negative time or count, a KV use outside
 * 0-100%, a throughput no server reaches).
 *
 * Bounded for CI: 60 s by default. Longer, or another seed: {@code -Dautoglm.netfuzz.seconds=600
 * -Dautoglm.netfuzz.seed=7} (or AUTOGLM_NETFUZZ_SECONDS / AUTOGLM_NETFUZZ_SEED). A failing case's answers are kept in
 * cli/target/netfuzz-failures/.
 */
class NetFuzzTest {
    static final String HEAP = "128m";
    static final long WALL_S = 90;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ENGINES = List.of("vllm", "sglang", "tgi", "llamacpp");
    /** The most output tokens a second any server reaches, by orders of magnitude. */
    private static final double MAX_TOKENS_PER_S = 1e7;

    @TempDir
    Path tmp;

    private Random rnd;
    private NetMutations mut;
    private int caseNo;
    private final List<String> failures = new ArrayList<>();

    private static long setting(String property, String env, long dflt) {
        String v = System.getProperty(property, System.getenv(env));
        return v == null || v.isBlank() ? dflt : Long.parseLong(v.trim());
    }

    /** Ends a failed case; the failure is listed and the fuzz goes on. */
    private static final class CaseFailed extends RuntimeException {
        CaseFailed() {
            super(null, null, false, false);
        }
    }

    /** A case: the arguments, what was done, and the answers served (kept on failure). */
    private record Case(List<String> args, List<String> what, Map<String, byte[]> served, Path dir) {
    }

    @Test
    void mutatedAnswersEndWellInBoundedTimeAndMemory() throws Exception {
        long seconds = setting("autoglm.netfuzz.seconds", "AUTOGLM_NETFUZZ_SECONDS", 60);
        long seed = setting("autoglm.netfuzz.seed", "AUTOGLM_NETFUZZ_SEED", 20261207);
        rnd = new Random(seed);
        mut = new NetMutations(rnd);
        Map<Integer, Integer> codes = new TreeMap<>();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            caseNo++;
            Path dir = tmp.resolve("case-" + caseNo);
            Files.createDirectories(dir);
            try {
                int code = caseNo % 3 == 0 ? promCase(dir) : loadCase(dir);
                codes.merge(code, 1, Integer::sum);
            } catch (CaseFailed e) {
                codes.merge(-1, 1, Integer::sum);
            }
        }
        System.out.println("NetFuzzTest: seed " + seed + ", " + caseNo + " cases in " + seconds + " s, exit codes "
                + codes + ", " + failures.size() + " failed");
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + caseNo + " net fuzz cases failed (seed " + seed + "):\n\n"
                    + String.join("\n\n", failures));
        }
    }

    // ---- load against a mutated engine

    private int loadCase(Path dir) throws Exception {
        String engine = ENGINES.get(rnd.nextInt(ENGINES.size()));
        Path rec = Fixtures.root().resolve("testdata/netfuzz/engines/" + engine);
        HttpBytes.Recorded stream = HttpBytes.Recorded.read(rec.resolve("stream.http"));
        HttpBytes.Recorded models = HttpBytes.Recorded.read(rec.resolve("models.http"));
        HttpBytes.Recorded page = HttpBytes.Recorded.read(rec.resolve("metrics.http"));
        List<String> what = new java.util.concurrent.CopyOnWriteArrayList<>(List.of("engine " + engine));
        Map<String, byte[]> served = new java.util.concurrent.ConcurrentHashMap<>();
        boolean mutatePage = rnd.nextBoolean();
        boolean mutateModels = rnd.nextInt(4) == 0;
        double streamOdds = 0.3 + 0.7 * rnd.nextDouble();
        long seed = rnd.nextLong();
        // answers are drawn per request from a seeded generator of their own: the order requests come in varies
        Random per = new Random(seed);
        NetMutations perMut = new NetMutations(per);
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        try (LoopbackHttp server = LoopbackHttp.replying(req -> {
            synchronized (per) {
                int k = n.incrementAndGet();
                try {
                    return answer(req, k, engine, stream, models, page, mutatePage, mutateModels, streamOdds, per,
                            perMut, what, served);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        })) {
            List<String> args = new ArrayList<>(List.of("load", server.url(), "--workload", "synthetic", "--requests",
                    Integer.toString(2 + rnd.nextInt(5)), "--profile", "concurrent:" + (1 + rnd.nextInt(3)),
                    "--input-len", "40", "--output-len", "12", "--timeout", "4s", "--warmup", "0", "--baseline", "0",
                    "--out", dir.resolve("runs").toString(), "--format", "json", "-o",
                    dir.resolve("report.json").toString(), "--color", "never"));
            if (!mutateModels || rnd.nextBoolean()) {
                args.addAll(List.of("--model", "glm-tiny"));
            }
            Case c = new Case(args, what, served, dir);
            ChildAutoglm r = ChildAutoglm.run(dir, HEAP, WALL_S, args);
            check(c, r);
            checkRunFolder(c, r, dir.resolve("runs"));
            checkReport(c, r, dir.resolve("report.json"));
            return r.code();
        }
    }

    private HttpBytes.Reply answer(LoopbackHttp.Request req, int k, String engine, HttpBytes.Recorded stream,
            HttpBytes.Recorded models, HttpBytes.Recorded page, boolean mutatePage, boolean mutateModels, double streamOdds,
            Random per, NetMutations perMut, List<String> what, Map<String, byte[]> served) throws IOException {
        HttpBytes.Recorded rec;
        byte[] body;
        String tag = "#" + k + " " + req.method() + " " + req.path();
        if (req.path().equals("/metrics")) {
            rec = page;
            body = page.body();
            if (mutatePage && per.nextBoolean()) {
                NetMutations.Mutated m = perMut.page(body);
                body = m.body();
                what.add(tag + ": " + m.what());
            }
        } else if (req.path().equals("/v1/models")) {
            rec = models;
            body = models.body();
            if (mutateModels) {
                NetMutations.Mutated m = perMut.stream(body);
                body = m.body();
                what.add(tag + ": " + m.what());
            }
        } else if (req.path().endsWith("/completions")) {
            rec = stream;
            body = stream.body();
            if (per.nextDouble() < streamOdds) {
                NetMutations.Mutated m = perMut.stream(body);
                body = m.body();
                what.add(tag + ": " + m.what());
            }
        } else {
            byte[] nf = "not found".getBytes(StandardCharsets.UTF_8);
            return HttpBytes.Reply.of(HttpBytes.response("HTTP/1.1 404 Not Found", List.of(), nf, HttpBytes.Framing.LENGTH, 0));
        }
        String status = rec.status();
        List<String[]> headers = new ArrayList<>(rec.headers());
        HttpBytes.Framing framing = HttpBytes.Framing.values()[per.nextInt(3)];
        int chunk = 1 + per.nextInt(400);
        boolean streamReq = req.path().endsWith("/completions");
        int transport = per.nextInt(streamReq ? 14 : 20);
        byte[] wire;
        switch (transport) {
            case 0 -> {
                status = "HTTP/1.1 " + List.of("500 Internal Server Error", "429 Too Many Requests", "503 Service Unavailable",
                        "400 Bad Request", "404 Not Found").get(per.nextInt(5));
                what.add(tag + ": status " + status);
                wire = HttpBytes.response(status, headers, body, framing, chunk);
            }
            case 1 -> {
                wire = HttpBytes.response(status, headers, body, HttpBytes.Framing.LENGTH, chunk);
                String s = new String(wire, StandardCharsets.ISO_8859_1).replaceFirst("Content-Length: (\\d+)",
                        "Content-Length: $1\r\nContent-Length: " + (body.length + 7));
                wire = s.getBytes(StandardCharsets.ISO_8859_1);
                what.add(tag + ": two Content-Length headers");
            }
            case 2 -> {
                headers.add(new String[] {"X-Filler", "y".repeat(200_000 + per.nextInt(400_000))});
                what.add(tag + ": a header of hundreds of KB");
                wire = HttpBytes.response(status, headers, body, framing, chunk);
            }
            case 3 -> {
                wire = HttpBytes.response(status, headers, body, HttpBytes.Framing.LENGTH, chunk);
                String s = new String(wire, StandardCharsets.ISO_8859_1).replaceFirst("Content-Length: (\\d+)",
                        "Content-Length: " + (body.length * 2 + 10));
                wire = s.getBytes(StandardCharsets.ISO_8859_1);
                what.add(tag + ": Content-Length longer than the body");
            }
            case 4 -> {
                wire = HttpBytes.response(status, headers, body, HttpBytes.Framing.CHUNKED, chunk);
                String s = new String(wire, StandardCharsets.ISO_8859_1).replaceFirst("\r\n\r\n([0-9a-f]+)\r\n",
                        "\r\n\r\nzz$1\r\n");
                wire = s.getBytes(StandardCharsets.ISO_8859_1);
                what.add(tag + ": a bad chunk size");
            }
            case 5 -> {
                wire = HttpBytes.response(status, headers, body, framing, chunk);
                long hold = 6000;
                what.add(tag + ": stalls after " + wire.length / 2 + " bytes for " + hold + " ms");
                served.put(tag, wire);
                return HttpBytes.Reply.stalling(wire, wire.length / 2, hold);
            }
            default -> wire = HttpBytes.response(status, headers, body, framing, chunk);
        }
        served.put(tag, wire);
        return HttpBytes.Reply.of(wire);
    }

    // ---- diagnose --prometheus against mutated Prometheus answers

    private int promCase(Path dir) throws Exception {
        Path rec = Fixtures.root().resolve("testdata/netfuzz/prometheus");
        JsonNode index = JSON.readTree(rec.resolve("queries.json").toFile());
        List<String> window = new ArrayList<>();
        index.get("window").forEach(w -> window.add(w.asText()));
        double startS = Double.parseDouble(window.get(1));
        double endS = Double.parseDouble(window.get(3));
        Map<String, byte[]> good = new TreeMap<>();
        for (JsonNode a : index.get("answers")) {
            good.put(a.get("query").asText(), Files.readAllBytes(rec.resolve(a.get("file").asText())));
        }
        List<String> what = new java.util.concurrent.CopyOnWriteArrayList<>();
        Map<String, byte[]> served = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, byte[]> answers = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : good.entrySet()) {
            if (rnd.nextInt(3) > 0) {
                NetMutations.Mutated m = mut.promAnswer(e.getValue(), startS, endS);
                answers.put(e.getKey(), m.body());
                what.add(NetMutations.clip(e.getKey()) + ": " + m.what());
            } else {
                answers.put(e.getKey(), e.getValue());
            }
        }
        try (LoopbackHttp server = LoopbackHttp.replying(req -> {
            String q = java.net.URLDecoder.decode(query(req.target(), "query"), StandardCharsets.UTF_8);
            byte[] body = answers.get(q);
            if (body == null) {
                body = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}"
                        .getBytes(StandardCharsets.UTF_8);
            }
            byte[] wire = HttpBytes.response("HTTP/1.1 200 OK", List.<String[]>of(new String[] {"Content-Type",
                "application/json"}), body, HttpBytes.Framing.LENGTH, 0);
            served.put(q, wire);
            return HttpBytes.Reply.of(wire);
        })) {
            List<String> args = new ArrayList<>(List.of("diagnose", "--prometheus", server.url()));
            args.addAll(window);
            args.addAll(List.of("--format", "json", "-o", dir.resolve("report.json").toString()));
            Case c = new Case(args, what, served, dir);
            ChildAutoglm r = ChildAutoglm.run(dir, HEAP, WALL_S, args);
            check(c, r);
            checkReport(c, r, dir.resolve("report.json"));
            return r.code();
        }
    }

    private static String query(String target, String name) {
        int q = target.indexOf('?');
        if (q >= 0) {
            for (String kv : target.substring(q + 1).split("&")) {
                if (kv.startsWith(name + "=")) {
                    return kv.substring(name.length() + 1);
                }
            }
        }
        return "";
    }

    // ---- checks

    private void check(Case c, ChildAutoglm r) {
        if (r.killed()) {
            fail(c, "still running after " + WALL_S + " s (killed)", r);
        }
        if (r.code() < 0 || r.code() > 2) {
            fail(c, "exit " + r.code(), r);
        }
        String err = r.err();
        if (err.contains("Exception") || err.contains("\tat ") || err.contains("internal error")
                || err.contains("OutOfMemoryError")) {
            fail(c, "a stack trace, an internal error or running out of memory", r);
        }
        for (String line : err.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("autoglm: ")) {
                fail(c, "a stderr line that is not one autoglm line: '" + NetMutations.clip(line) + "'", r);
            }
            if (line.length() > 2000) {
                fail(c, "a stderr line of " + line.length() + " characters", r);
            }
        }
        if (r.code() == 2 && err.isBlank()) {
            fail(c, "exit 2 without a line saying why", r);
        }
    }

    private void checkRunFolder(Case c, ChildAutoglm r, Path runs) throws IOException {
        if (!Files.isDirectory(runs)) {
            if (r.code() != 2) {
                fail(c, "no run folder, exit " + r.code(), r);
            }
            return;
        }
        try (Stream<Path> s = Files.list(runs)) {
            for (Path run : s.filter(Files::isDirectory).toList()) {
                Path info = run.resolve("run.json");
                if (!Files.isRegularFile(info)) {
                    fail(c, "run folder " + run.getFileName() + " without run.json", r);
                }
                String status = JSON.readTree(info.toFile()).path("status").asText();
                if (status.equals("running")) {
                    fail(c, "run.json left 'running'", r);
                }
            }
        }
    }

    private void checkReport(Case c, ChildAutoglm r, Path report) {
        if (r.code() == 2 || !Files.isRegularFile(report)) {
            return;
        }
        JsonNode root;
        try {
            root = JSON.readTree(report.toFile());
        } catch (IOException e) {
            fail(c, "the JSON report does not parse: " + e.getMessage(), r);
            return;
        }
        List<JsonNode> metricSets = new ArrayList<>();
        metricSets.add(root.path("metrics"));
        for (JsonNode inst : root.path("fleet").path("instances")) {
            metricSets.add(inst.path("metrics"));
        }
        for (JsonNode inst : root.path("fleet").path("gpuInstances")) {
            metricSets.add(inst.path("metrics"));
        }
        for (JsonNode metrics : metricSets) {
            for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                String impossible = impossible(e.getKey(), e.getValue());
                if (impossible != null) {
                    fail(c, "impossible figure " + e.getKey() + " = " + e.getValue() + ": " + impossible, r);
                }
            }
        }
    }

    /** Why a metric's value cannot be true, or null. */
    static String impossible(String name, JsonNode m) {
        JsonNode v = m.get("value");
        if (v == null || v.isNull() || !v.isNumber()) {
            return v != null && v.isTextual() ? "a number written as text" : null;
        }
        double x = v.asDouble();
        String unit = m.path("unit").asText();
        if (!Double.isFinite(x)) {
            return "not finite";
        }
        if (unit.equals("tokens/s") && (x < 0 || x > MAX_TOKENS_PER_S)) {
            return "no server streams that";
        }
        if (unit.equals("requests/s") && x < 0) {
            return "a negative rate";
        }
        if (unit.equals("ms") && !name.contains("slope") && !name.contains("delta") && x < 0) {
            return "a negative time";
        }
        if (unit.equals("count") && x < 0 && (name.contains("requests") || name.contains("tokens")
                || name.contains("preempt") || name.contains("running") || name.contains("waiting")
                || name.contains("scrapes") || name.contains("completed") || name.contains("errors"))) {
            return "a negative count";
        }
        if (unit.equals("count") && x > 1e12 && (name.contains("tokens") || name.contains("requests"))) {
            return "more than 10^12";
        }
        if (unit.equals("percent") && name.contains("kv") && (x < 0 || x > 100)) {
            return "a KV-cache use outside 0-100%";
        }
        if (unit.equals("percent") && (name.contains("throttled") || name.contains("util") || name.contains("error_pct")
                || name.contains("hit_pct")) && (x < 0 || x > 100.000001)) {
            return "a share outside 0-100%";
        }
        return null;
    }

    private void fail(Case c, String why, ChildAutoglm r) {
        Path keep = Path.of("target", "netfuzz-failures", "case-" + caseNo);
        try {
            Files.createDirectories(keep);
            int i = 0;
            for (Map.Entry<String, byte[]> e : c.served().entrySet()) {
                Files.write(keep.resolve("answer-" + (i++) + ".bin"), e.getValue());
            }
            Files.writeString(keep.resolve("case.txt"), String.join("\n", c.args()) + "\n\n" + String.join("\n",
                    c.what()) + "\n\nexit " + r.code() + "\nstderr:\n" + r.err());
        } catch (IOException e) {
            // the message still says what was done
        }
        String err = r.err().length() > 1500 ? r.err().substring(0, 1500) + "..." : r.err();
        failures.add("net fuzz case " + caseNo + " (" + String.join("; ", c.what()) + "): " + why + "\nargs " + c.args()
                + "\nkept in " + keep.toAbsolutePath() + "\nstderr: " + err);
        throw new CaseFailed();
    }
}
