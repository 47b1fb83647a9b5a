package autoglm.record.run;

import java.util.HashSet;
import java.util.Set;

/**
 * The command's process and its descendants, as the sampler attributes host CPU and memory, refreshed at most once a
 * second: listing descendants walks all of /proc (0.6 ms), too dear for every round; a process started in between is
 * seen at the next refresh. Empty until the command has started.
 */
final class ProcessTree {
    private volatile ProcessHandle root;
    private volatile Set<Long> pids = Set.of();
    private volatile long refreshed;

    /** The command's process, once it has started. */
    void root(ProcessHandle root) {
        this.root = root;
    }

    Set<Long> pids() {
        ProcessHandle root = this.root;
        if (root == null) {
            return Set.of();
        }
        long now = System.nanoTime();
        if (now - refreshed > 1_000_000_000L || pids.isEmpty()) {
            Set<Long> s = new HashSet<>();
            if (root.isAlive()) {
                s.add(root.pid());
            }
            root.descendants().forEach(h -> s.add(h.pid()));
            pids = s;
            refreshed = now;
        }
        return pids;
    }
}
