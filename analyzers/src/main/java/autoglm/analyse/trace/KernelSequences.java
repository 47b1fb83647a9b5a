package autoglm.analyse.trace;

import autoglm.model.trace.GpuActivities;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernel sequences that repeat (fusion candidates, after HTA's frequent CUDA kernel sequences;
 * docs/analyses.md#sequences): on each stream of the analysed device, the window's kernels in start order; every run
 * of {@value #MIN_LEN} to {@value #MAX_LEN} consecutive kernel names is counted, occurrences of one run not
 * overlapping (left to right), and its occurrences' GPU time summed. A run is kept when it occurs at least twice and
 * at least once per iteration, and no run one kernel longer that contains it occurs as often (the longest form of a
 * repeated pattern); a run that shares half its kernels in a row with a run of more GPU time (another window of the
 * same longer cycle) is left out; the {@value #TOP} with the most GPU time are reported.
 */
final class KernelSequences {
    static final int MIN_LEN = 3;
    static final int MAX_LEN = 8;
    static final int TOP = 5;

    private KernelSequences() {
    }

    /** One run of names: counts and time over all streams. */
    private static final class Run {
        long count;
        long ns;
        int lastEnd = -1;
        int lastStream = -1;
    }

    static List<Breakdown.SequenceStat> run(Context c) {
        GpuActivities gpu = c.model.gpu();
        List<Map<Key, Run>> byLen = new ArrayList<>();
        for (int l = 0; l <= MAX_LEN + 1; l++) {
            byLen.add(new HashMap<>());
        }
        int streamNo = 0;
        for (GpuActivities.StreamRange sr : gpu.streams()) {
            if (sr.device() != c.window.device()) {
                continue;
            }
            int[] names = new int[sr.count()];
            long[] durs = new long[sr.count()];
            int n = 0;
            for (int r = sr.from(); r < sr.to(); r++) {
                if (gpu.kind(r) == GpuActivities.KERNEL && c.window.contains(r)) {
                    names[n] = gpu.name(r);
                    durs[n++] = gpu.dur(r);
                }
            }
            for (int len = MIN_LEN; len <= MAX_LEN; len++) {
                Map<Key, Run> runs = byLen.get(len);
                long window = 0;
                for (int i = 0; i < n; i++) {
                    window += durs[i];
                    if (i >= len) {
                        window -= durs[i - len];
                    }
                    if (i < len - 1) {
                        continue;
                    }
                    int from = i - len + 1;
                    Run run = runs.computeIfAbsent(new Key(Arrays.copyOfRange(names, from, i + 1)), k -> new Run());
                    if (run.lastStream != streamNo || from >= run.lastEnd) {
                        run.count++;
                        run.ns += window;
                        run.lastEnd = i + 1;
                        run.lastStream = streamNo;
                    }
                }
            }
            streamNo++;
        }
        long minCount = Math.max(2, c.steps());
        List<Breakdown.SequenceStat> out = new ArrayList<>();
        for (int len = MIN_LEN; len <= MAX_LEN; len++) {
            Map<Key, Long> longest = new HashMap<>(); // a run of len -> the most any of its one-longer runs occurs
            for (Map.Entry<Key, Run> e : byLen.get(len + 1).entrySet()) {
                int[] k = e.getKey().ids;
                longest.merge(new Key(Arrays.copyOfRange(k, 0, len)), e.getValue().count, Math::max);
                longest.merge(new Key(Arrays.copyOfRange(k, 1, len + 1)), e.getValue().count, Math::max);
            }
            for (Map.Entry<Key, Run> e : byLen.get(len).entrySet()) {
                Run run = e.getValue();
                if (run.count < minCount || longest.getOrDefault(e.getKey(), 0L) >= run.count) {
                    continue;
                }
                List<String> kernels = new ArrayList<>();
                for (int id : e.getKey().ids) {
                    kernels.add(c.model.names().get(id));
                }
                out.add(new Breakdown.SequenceStat(List.copyOf(kernels), run.count, run.ns / 1e6));
            }
        }
        out.sort((a, b) -> a.totalMs() != b.totalMs() ? Double.compare(b.totalMs(), a.totalMs())
                : a.kernels().size() != b.kernels().size() ? Integer.compare(b.kernels().size(), a.kernels().size())
                : String.join("\n", a.kernels()).compareTo(String.join("\n", b.kernels())));
        // a repeating cycle longer than a run shows as each of its windows: a run that shares half its kernels, in a
        // row, with a run already kept is a window of the same cycle and is left out
        List<Breakdown.SequenceStat> kept = new ArrayList<>();
        for (Breakdown.SequenceStat q : out) {
            if (kept.stream().noneMatch(k -> common(k.kernels(), q.kernels()) * 2 >= q.kernels().size())) {
                kept.add(q);
            }
            if (kept.size() == TOP) {
                break;
            }
        }
        return List.copyOf(kept);
    }

    /** The length of the longest run of names two lists share. */
    static int common(List<String> a, List<String> b) {
        int best = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < b.size(); j++) {
                int m = 0;
                while (i + m < a.size() && j + m < b.size() && a.get(i + m).equals(b.get(j + m))) {
                    m++;
                }
                best = Math.max(best, m);
            }
        }
        return best;
    }

    /** A run of name ids as a map key. */
    private record Key(int[] ids) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(ids, k.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }
    }
}
