package autoglm.record.load;

import java.net.URI;
import java.nio.file.Path;

/**
 * Everything one load test needs, resolved and checked (docs/load.md): the endpoint, the traffic and how long it
 * runs. {@code requests} or {@code durationMs} bounds it (0 / NaN: not given); {@code metricsUrl} is null with
 * --no-server-metrics; {@code imageScale} shrinks every generated screenshot per side (a verify knob); agent
 * sessions think between steps for a seeded time within [thinkMinMs, thinkMaxMs].
 */
public record LoadPlan(URI base, String model, boolean chat, String workload, Profile profile, int requests,
        double durationMs, int warmup, long seed, int sessions, int steps, int imageWidth, int imageHeight,
        byte[] imageFile, int inputLen, double inputSpread, int outputLen, Path replay, double sloTtftMs,
        double sloTpotMs, double sloE2elMs, URI metricsUrl, double timeoutMs, double imageScale, double thinkMinMs,
        double thinkMaxMs) {

    public static final String AGENT = "agent";
    public static final String SYNTHETIC = "synthetic";
    public static final String REPLAY = "replay";

    public URI endpoint() {
        return base.resolve(chat ? "/v1/chat/completions" : "/v1/completions");
    }

    public int scaledWidth() {
        return Math.max(28, (int) Math.round(imageWidth * imageScale));
    }

    public int scaledHeight() {
        return Math.max(28, (int) Math.round(imageHeight * imageScale));
    }

    public LoadPlan withImageScale(double scale) {
        return new LoadPlan(base, model, chat, workload, profile, requests, durationMs, warmup, seed, sessions, steps,
                imageWidth, imageHeight, imageFile, inputLen, inputSpread, outputLen, replay, sloTtftMs, sloTpotMs,
                sloE2elMs, metricsUrl, timeoutMs, scale, thinkMinMs, thinkMaxMs);
    }

    public LoadPlan withProfile(Profile p) {
        return new LoadPlan(base, model, chat, workload, p, requests, durationMs, warmup, seed, sessions, steps,
                imageWidth, imageHeight, imageFile, inputLen, inputSpread, outputLen, replay, sloTtftMs, sloTpotMs,
                sloE2elMs, metricsUrl, timeoutMs, imageScale, thinkMinMs, thinkMaxMs);
    }

    public LoadPlan withModel(String name) {
        return new LoadPlan(base, name, chat, workload, profile, requests, durationMs, warmup, seed, sessions, steps,
                imageWidth, imageHeight, imageFile, inputLen, inputSpread, outputLen, replay, sloTtftMs, sloTpotMs,
                sloE2elMs, metricsUrl, timeoutMs, imageScale, thinkMinMs, thinkMaxMs);
    }
}
