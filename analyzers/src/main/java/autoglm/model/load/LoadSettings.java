package autoglm.model.load;

import java.util.List;

/**
 * What a load run was asked to do (load.json): the endpoint, the traffic and the SLOs. {@code targetRate} is the
 * open-loop rate in requests per second (NaN for closed loop), {@code concurrency} the closed-loop width (0 for
 * open loop), {@code burstiness} the gamma shape (1 = Poisson). SLOs in milliseconds, NaN when not set.
 * {@code serveCommand} is the server autoglm started (--serve), empty when it measured a server it did not start.
 * {@code timeoutMs}: the longest a request could take (--timeout), NaN in a run recorded before load.json kept it.
 */
public record LoadSettings(String url, String model, String api, String workload, String profile, double targetRate,
        int concurrency, double burstiness, int sessions, int steps, long seed, int warmup, int imageWidth,
        int imageHeight, double sloTtftMs, double sloTpotMs, double sloE2elMs, String metricsUrl,
        List<String> serveCommand, long startedEpochMs, double timeoutMs) {
    public LoadSettings {
        serveCommand = serveCommand == null ? List.of() : List.copyOf(serveCommand);
    }

    /** The settings of a run whose timeout is not known (recorded before load.json kept it). */
    public LoadSettings(String url, String model, String api, String workload, String profile, double targetRate,
            int concurrency, double burstiness, int sessions, int steps, long seed, int warmup, int imageWidth,
            int imageHeight, double sloTtftMs, double sloTpotMs, double sloE2elMs, String metricsUrl,
            List<String> serveCommand, long startedEpochMs) {
        this(url, model, api, workload, profile, targetRate, concurrency, burstiness, sessions, steps, seed, warmup,
                imageWidth, imageHeight, sloTtftMs, sloTpotMs, sloE2elMs, metricsUrl, serveCommand, startedEpochMs,
                Double.NaN);
    }

    public boolean openLoop() {
        return !Double.isNaN(targetRate);
    }
}
