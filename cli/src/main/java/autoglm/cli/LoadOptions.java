package autoglm.cli;

import autoglm.record.load.LoadPlan;
import autoglm.record.load.PngImage;
import autoglm.record.load.Profile;
import autoglm.util.BadInputException;
import autoglm.util.SafeText;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** load's traffic options (docs/load.md), checked and turned into a {@link LoadPlan}. */
final class LoadOptions {
    @Option(names = "--model", paramLabel = "NAME", description = "the model name to send (default: the first of the "
            + "server's /v1/models)")
    String model;

    @Option(names = "--api", paramLabel = "chat|completions", defaultValue = "chat",
            description = "/v1/chat/completions (default) or /v1/completions")
    String api;

    @Option(names = "--workload", arity = "1..2", paramLabel = "KIND",
            description = "agent (default: Open-AutoGLM phone sessions), synthetic, or replay FILE (JSON lines)")
    List<String> workload = new ArrayList<>();

    @Option(names = "--profile", paramLabel = "PROFILE", description = "sync, concurrent:N, constant:R, "
            + "poisson:R[:burst=B], or sweep[:K] (sync, then throughput, then K constant rates between; default K 5) "
            + "(default: sync; for agent, sessions start together)")
    String profile;

    /** K of --profile sweep[:K], or 0 when the profile is not a sweep. */
    int sweep() {
        if (profile == null || !profile.strip().startsWith("sweep")) {
            return 0;
        }
        String[] p = profile.strip().split(":");
        try {
            int k = p.length == 1 ? 5 : Integer.parseInt(p[1]);
            if (p[0].equals("sweep") && p.length <= 2 && k >= 1 && k <= 50) {
                return k;
            }
        } catch (NumberFormatException e) {
            // the line below
        }
        throw new BadInputException("--profile " + SafeText.oneLine(profile) + ": sweep or sweep:K, K within 1..50");
    }

    @Option(names = "--requests", paramLabel = "N", description = "requests to send (synthetic default 20; replay: "
            + "the first N of the file)")
    Integer requests;

    @Option(names = "--duration", paramLabel = "DURATION", description = "send for this long (e.g. 60s), then wait for "
            + "the answers")
    String duration;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1", description = "warm-up requests before the "
            + "measured ones, left out of every figure (default 1)")
    int warmup;

    @Option(names = "--baseline", paramLabel = "N|auto", defaultValue = "auto", description = "requests sent one at "
            + "a time after the warm-up, before the measured load, as the unloaded baseline its TTFT is set against "
            + "where the server publishes no engine metrics (Ollama; docs/load.md#baseline); auto (default): 5 when "
            + "the server's /metrics serves no page, else 0 (0 with --no-server-metrics)")
    String baseline;

    /** --baseline as a count, or EndpointLoad.AUTO_BASELINE. */
    int baselineRequests() {
        if ("auto".equals(baseline)) {
            return autoglm.record.load.EndpointLoad.AUTO_BASELINE;
        }
        try {
            int n = Integer.parseInt(baseline.strip());
            if (n >= 0 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the line below
        }
        throw new BadInputException("--baseline " + SafeText.oneLine(String.valueOf(baseline))
                + ": a number of requests from 0 to 1000, or auto");
    }

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "seed of the traffic (default 0)")
    long seed;

    @Option(names = "--sessions", paramLabel = "N", defaultValue = "1", description = "agent: phone sessions at once "
            + "(default 1)")
    int sessions;

    @Option(names = "--steps", paramLabel = "S", defaultValue = "5", description = "agent: steps per session (default 5)")
    int steps;

    @Option(names = "--think-time", paramLabel = "MIN-MAX", defaultValue = "1s-4s", description = "agent: the phone's "
            + "action between steps, seeded uniform within MIN-MAX (default 1s-4s)")
    String thinkTime;

    @Option(names = "--image", paramLabel = "WxH", description = "screenshot size (agent default 1080x2400; "
            + "synthetic: none unless given)")
    String image;

    @Option(names = "--image-file", paramLabel = "PNG", description = "send this PNG as every screenshot")
    Path imageFile;

    @Option(names = "--input-len", paramLabel = "N", defaultValue = "512", description = "synthetic: prompt tokens "
            + "(estimated; default 512)")
    int inputLen;

    @Option(names = "--input-spread", paramLabel = "F", defaultValue = "0", description = "synthetic: prompt lengths "
            + "uniform within 1 +- F (default 0)")
    double inputSpread;

    @Option(names = "--output-len", paramLabel = "N", defaultValue = "128", description = "synthetic: max_tokens, with "
            + "ignore_eos (default 128)")
    int outputLen;

    @Option(names = "--slo", paramLabel = "ttft=2s,tpot=100ms,e2el=5s", description = "latency targets for goodput, "
            + "each with its unit (ms, s, m, h)")
    String slo;

    @Option(names = "--metrics-url", paramLabel = "URL", description = "the server's Prometheus page (default URL/metrics)")
    String metricsUrl;

    @Option(names = "--server-profile", paramLabel = "N", defaultValue = "0", description = "profile the server with "
            + "its own torch.profiler (POST /start_profile, /stop_profile: vLLM, SGLang, autoglm serve) over the first N "
            + "measured requests; with --serve the traces are collected into the run folder and diagnosed (docs/load.md)")
    int serverProfile;

    @Option(names = "--no-server-metrics", description = "do not scrape the server's /metrics")
    boolean noServerMetrics;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "600s", description = "longest a request may "
            + "take, with its unit: ms, s, m or h (default 600s)")
    String timeout;

    LoadPlan plan(String url, String modelName) {
        URI base = uri("URL", url);
        String kind = workload.isEmpty() ? LoadPlan.AGENT : workload.get(0);
        Path replay = null;
        if (!List.of(LoadPlan.AGENT, LoadPlan.SYNTHETIC, LoadPlan.REPLAY).contains(kind)) {
            throw new BadInputException("--workload " + SafeText.oneLine(kind) + ": agent, synthetic or replay FILE");
        }
        if (kind.equals(LoadPlan.REPLAY)) {
            if (workload.size() < 2) {
                throw new BadInputException("--workload replay needs the file: --workload replay FILE");
            }
            replay = Path.of(workload.get(1));
            if (!Files.isRegularFile(replay)) {
                throw new BadInputException("--workload replay " + SafeText.oneLine(workload.get(1)) + ": no such file");
            }
        } else if (workload.size() > 1) {
            throw new BadInputException("--workload " + kind + " takes no file");
        }
        if (!api.equals("chat") && !api.equals("completions")) {
            throw new BadInputException("--api " + SafeText.oneLine(api) + ": chat or completions");
        }
        if (kind.equals(LoadPlan.AGENT) && !api.equals("chat")) {
            throw new BadInputException("--workload agent sends chat messages with images: it needs --api chat");
        }
        Profile p = profile == null ? (kind.equals(LoadPlan.REPLAY) ? null : Profile.parse("sync"))
                : sweep() > 0 ? Profile.parse("sync") : Profile.parse(profile);
        if (sweep() > 0 && kind.equals(LoadPlan.AGENT)) {
            throw new BadInputException("--profile sweep varies the request rate: it needs --workload synthetic or "
                    + "replay (agent sessions are closed loops; vary --sessions instead)");
        }
        if (requests != null && requests < 1) {
            throw new BadInputException("--requests " + requests + ": at least 1");
        }
        if (kind.equals(LoadPlan.AGENT) && requests != null) {
            throw new BadInputException("--requests does not apply to the agent workload: it sends --sessions x --steps");
        }
        double durationMs = duration == null ? Double.NaN : Durations.millis("--duration", duration);
        if (sessions < 1 || steps < 1 || warmup < 0 || inputLen < 1 || outputLen < 1 || inputSpread < 0
                || inputSpread >= 1) {
            throw new BadInputException("--sessions, --steps, --input-len and --output-len must be at least 1, "
                    + "--warmup at least 0, --input-spread within 0..1");
        }
        int[] wh = image != null ? size(image) : kind.equals(LoadPlan.AGENT) ? new int[] {1080, 2400} : new int[] {0, 0};
        byte[] png = null;
        if (imageFile != null) {
            try {
                png = Files.readAllBytes(imageFile);
            } catch (IOException e) {
                throw new BadInputException("--image-file " + SafeText.oneLine(imageFile.toString()) + ": cannot be read");
            }
            int[] s = PngImage.size(png);
            if (s == null) {
                throw new BadInputException("--image-file " + SafeText.oneLine(imageFile.toString()) + ": not a PNG");
            }
            wh = s;
        }
        double[] slos = slos();
        String[] tt = thinkTime.split("-", 2);
        double[] think = tt.length == 2 ? new double[] {Durations.millis("--think-time", tt[0], thinkTime),
            Durations.millis("--think-time", tt[1], thinkTime)} : new double[] {Double.NaN, Double.NaN};
        if (tt.length != 2 || think[1] < think[0]) {
            throw new BadInputException("--think-time " + SafeText.oneLine(thinkTime) + ": MIN-MAX, e.g. 1s-4s");
        }
        URI metrics = noServerMetrics ? null : metricsUrl != null ? uri("--metrics-url", metricsUrl)
                : base.resolve("/metrics");
        int count = requests != null ? requests : kind.equals(LoadPlan.SYNTHETIC) && Double.isNaN(durationMs) ? 20 : 0;
        return new LoadPlan(base, modelName, api.equals("chat"), kind, p, count, durationMs, warmup, seed, sessions,
                steps, wh[0], wh[1], png, inputLen, inputSpread, outputLen, replay, slos[0], slos[1], slos[2], metrics,
                Durations.millis("--timeout", timeout), 1.0, think[0], think[1]);
    }

    static URI uri(String what, String text) {
        try {
            URI u = new URI(text);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                    || u.getHost() == null) {
                throw new BadInputException(what + " " + SafeText.oneLine(text) + ": an http:// or https:// URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new BadInputException(what + " " + SafeText.oneLine(text) + ": not a URL");
        }
    }

    private static int[] size(String s) {
        String[] p = s.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int w = Integer.parseInt(p[0]);
                int h = Integer.parseInt(p[1]);
                if (w >= 1 && h >= 1 && w <= 8192 && h <= 8192) {
                    return new int[] {w, h};
                }
            }
        } catch (NumberFormatException e) {
            // the line below
        }
        throw new BadInputException("--image " + SafeText.oneLine(s) + ": WIDTHxHEIGHT in pixels, 1..8192 each");
    }

    private double[] slos() {
        double[] out = {Double.NaN, Double.NaN, Double.NaN};
        if (slo == null) {
            return out;
        }
        for (String part : slo.split(",")) {
            String[] kv = part.split("=", 2);
            int i = kv.length < 2 ? -1 : List.of("ttft", "tpot", "e2el").indexOf(kv[0].trim());
            if (i < 0) {
                throw new BadInputException("--slo " + SafeText.oneLine(slo) + ": expected ttft=D,tpot=D,e2el=D "
                        + "(any of them, durations such as 2s or 100ms)");
            }
            out[i] = Durations.millis("--slo", kv[1], part.trim());
        }
        return out;
    }
}
