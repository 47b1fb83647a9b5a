package autoglm.probes;

import java.util.Map;

/**
 * GPM metrics between the previous GPM sample and this one (values NaN where a metric failed), with
 * the failed calls or metrics and their errors.
 */
public record GpmReading(
        double smActivePct,
        double smOccupancyPct,
        double tensorActivePct,
        double dramBwPct,
        double fp16ActivePct,
        double fp32ActivePct,
        double pcieTxMibS,
        double pcieRxMibS,
        Map<String, String> errors) {
}
