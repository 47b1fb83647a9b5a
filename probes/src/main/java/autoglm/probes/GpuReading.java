package autoglm.probes;

import java.util.Map;

/**
 * One reading of one GPU as a probe returns it: values (NaN where the call failed or the value is
 * unknown; clock reasons -1) and the calls that failed with the error, which the sampler counts as data loss.
 */
public record GpuReading(
        double utilPct,
        double memUtilPct,
        double memUsedBytes,
        double memReservedBytes,
        double memTotalBytes,
        double powerW,
        double smClockMhz,
        double memClockMhz,
        long clockReasons,
        double tempC,
        double procMemBytes,
        double procSmPct,
        double procMemUtilPct,
        double pcieTxMibS,
        double pcieRxMibS,
        Map<String, String> errors) {
}
