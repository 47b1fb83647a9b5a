package autoglm.record.load;

import autoglm.diagnose.Diagnosed;
import autoglm.diagnose.Diagnosis;
import autoglm.model.load.LoadRecording;
import java.nio.file.Path;

/**
 * One load as it ended (see {@link LoadRuns}): its run folder, its diagnosis, the recording read back from the folder
 * (null when the load never ran), why it did not end cleanly ({@code problem}: the server failed or went away, no
 * request succeeded; null when it did) and the signal that interrupted it ("INT", "TERM"; null when none).
 */
public record LoadRun(Path folder, Diagnosed diagnosed, LoadRecording recording, String problem,
        String interruptedBy) {
    public Diagnosis diagnosis() {
        return diagnosed.diagnosis();
    }

    /** Whether the load ran to its end: neither interrupted nor failed. */
    public boolean ranToItsEnd() {
        return problem == null && interruptedBy == null;
    }
}
