package autoglm.analyse.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Two PromQL functions as Prometheus computes them, for server metrics scraped from /metrics (docs/analyses.md,
 * "Server metrics"): {@code histogram_quantile} over cumulative buckets, and {@code increase} of a counter whose
 * process may have restarted.
 */
public final class PromFunctions {
    /** One cumulative bucket: observations at most {@code upperBound} (the {@code le} label). */
    public record Bucket(double upperBound, double count) {
    }

    private PromFunctions() {
    }

    /**
     * The q-quantile of a histogram, as Prometheus's histogram_quantile: the buckets sorted by upper bound (the last
     * must be +Inf), counts made monotonic, the rank q x observations found in the first bucket that reaches it and
     * interpolated linearly inside it (lower bound 0 for the first bucket when its upper bound is positive); a rank
     * in the +Inf bucket gives the highest finite upper bound. NaN without observations, or without a +Inf bucket.
     */
    public static double histogramQuantile(double q, List<Bucket> buckets) {
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        List<Bucket> b = new ArrayList<>(buckets);
        b.removeIf(x -> Double.isNaN(x.upperBound()) || Double.isNaN(x.count()));
        b.sort((x, y) -> Double.compare(x.upperBound(), y.upperBound()));
        // the same bound twice (two scrapes' label orders): their counts add, as Prometheus coalesces them
        List<Bucket> merged = new ArrayList<>();
        for (Bucket x : b) {
            if (!merged.isEmpty() && merged.get(merged.size() - 1).upperBound() == x.upperBound()) {
                Bucket last = merged.remove(merged.size() - 1);
                merged.add(new Bucket(x.upperBound(), last.count() + x.count()));
            } else {
                merged.add(x);
            }
        }
        if (merged.size() < 2 || merged.get(merged.size() - 1).upperBound() != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        double[] counts = new double[merged.size()];
        double max = 0;
        for (int i = 0; i < counts.length; i++) {
            max = Math.max(max, merged.get(i).count());
            counts[i] = max; // monotonic: a count below an earlier one is a scrape race, read as the earlier
        }
        double observations = counts[counts.length - 1];
        if (observations == 0) {
            return Double.NaN;
        }
        double rank = q * observations;
        int i = 0;
        while (i < counts.length - 1 && counts[i] < rank) {
            i++;
        }
        if (i == counts.length - 1) {
            return merged.get(counts.length - 2).upperBound();
        }
        if (i == 0 && merged.get(0).upperBound() <= 0) {
            return merged.get(0).upperBound();
        }
        double start = i == 0 ? 0 : merged.get(i - 1).upperBound();
        double end = merged.get(i).upperBound();
        double inBucket = counts[i] - (i == 0 ? 0 : counts[i - 1]);
        double r = rank - (i == 0 ? 0 : counts[i - 1]);
        return inBucket == 0 ? end : start + (end - start) * (r / inBucket);
    }

    /**
     * The increase of a counter over its samples in time order: the sum of the rises, where a fall means the
     * process restarted from zero and the new value is all rise (Prometheus's counter-reset rule). NaN values are
     * skipped; NaN with fewer than two samples.
     */
    public static double increase(double[] values) {
        double prev = Double.NaN;
        double total = 0;
        int n = 0;
        for (double v : values) {
            if (Double.isNaN(v)) {
                continue;
            }
            if (n > 0) {
                total += v >= prev ? v - prev : v;
            }
            prev = v;
            n++;
        }
        return n < 2 ? Double.NaN : total;
    }
}
