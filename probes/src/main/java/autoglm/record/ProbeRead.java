package autoglm.record;

import java.util.Map;

/**
 * What one probe call gave: the sample (values NaN where a call failed, never zero) and the calls that
 * failed with their errors, which the sampler counts as data loss.
 */
public record ProbeRead<T>(T sample, Map<String, String> errors) {
}
