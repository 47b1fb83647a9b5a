package autoglm.record;

import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuSample;
import autoglm.model.run.HostSample;

/**
 * Told each sample once it is written to the run folder, on the sampler's thread (the Prometheus endpoint serves
 * them live). It must return quickly and not throw; what it throws is counted as data loss and sampling goes on.
 */
public interface SampleListener {
    SampleListener NONE = new SampleListener() {
    };

    /** Told the run's name (its folder's) before its first sample. */
    default void run(String name) {
    }

    default void gpu(GpuSample sample) {
    }

    default void gpm(GpmSample sample) {
    }

    default void host(HostSample sample) {
    }
}
