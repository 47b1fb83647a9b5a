package autoglm.result;

import autoglm.analyse.load.ServedSteps;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A load run's server steps by batch (docs/formats.md#served): where the steps come from ({@code basis}), how many,
 * how many found no batch, and per batch the medians; or, when there are none, the {@code reason}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServedEntry(String basis, Integer steps, Integer unmatched, List<ByBatch> byBatch, String reason) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ByBatch(Integer batch, Integer steps, Double stepMs, Double kernels, Double busyPct,
            Double notOnGpuMs, Double inFlight) {
    }

    public static ServedEntry of(ServedSteps.Result r) {
        if (!r.present()) {
            return new ServedEntry(null, null, null, null, r.reason());
        }
        return new ServedEntry(r.basis(), r.steps().size(), r.unmatched(), r.byBatch().stream().map(b -> new ByBatch(
                b.batch(), b.steps(), b.stepMs(), b.kernels(), b.busyPct(), b.overheadMs(), b.inFlight())).toList(),
                null);
    }
}
