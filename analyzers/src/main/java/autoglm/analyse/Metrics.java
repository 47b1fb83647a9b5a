package autoglm.analyse;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The metrics of one analysis, by name, in catalogue order. Immutable. */
public final class Metrics {
    private final Map<String, Metric> byName;

    private Metrics(Map<String, Metric> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** The metric, or an absent one when nothing computed it. */
    public Metric get(String name) {
        Metric m = byName.get(name);
        if (m == null) {
            return Metric.absent(name, MetricCatalog.contains(name) ? MetricCatalog.unit(name) : Unit.COUNT,
                    "not computed for this input");
        }
        return m;
    }

    /** A copy where each named metric that is not here is absent with {@code reason}. */
    public Metrics orAbsent(Iterable<String> names, String reason) {
        Map<String, Metric> m = new LinkedHashMap<>(byName);
        for (String n : names) {
            m.putIfAbsent(n, Metric.absent(n, MetricCatalog.unit(n), reason));
        }
        return new Metrics(inCatalogueOrder(m));
    }

    /** A copy where the named metrics are taken from {@code other} (those it has). */
    public Metrics with(Metrics other, Iterable<String> names) {
        Map<String, Metric> m = new LinkedHashMap<>(byName);
        for (String n : names) {
            Metric o = other.byName.get(n);
            if (o != null) {
                m.put(n, o);
            }
        }
        return new Metrics(inCatalogueOrder(m));
    }

    private static Map<String, Metric> inCatalogueOrder(Map<String, Metric> byName) {
        Map<String, Metric> ordered = new LinkedHashMap<>();
        for (String name : MetricCatalog.all().keySet()) {
            Metric m = byName.get(name);
            if (m != null) {
                ordered.put(name, m);
            }
        }
        return ordered;
    }

    public Map<String, Metric> all() {
        return byName;
    }

    /** Collects metrics; units come from the {@link MetricCatalog}. */
    public static final class Builder {
        private final Map<String, Metric> byName = new LinkedHashMap<>();

        public Builder put(String name, double value, long n, Spread spread) {
            byName.put(name, Metric.of(name, MetricCatalog.unit(name), value, n, spread));
            return this;
        }

        public Builder put(String name, double value, long n) {
            return put(name, value, n, Spread.NONE);
        }

        public Builder text(String name, String text, long n) {
            MetricCatalog.unit(name);
            byName.put(name, Metric.text(name, text, n));
            return this;
        }

        /** A breakdown metric: typed items in order (see {@link Metric#items}). */
        public Builder items(String name, java.util.List<Metric.Item> items, long n) {
            MetricCatalog.unit(name);
            byName.put(name, Metric.items(name, items, n));
            return this;
        }

        public boolean has(String name) {
            return byName.containsKey(name);
        }

        public Builder absent(String name, String reason) {
            byName.put(name, Metric.absent(name, MetricCatalog.unit(name), reason));
            return this;
        }

        public Builder absentAll(String reason, String... names) {
            return absentAll(reason, java.util.List.of(names));
        }

        /** Each of {@code names} absent with {@code reason}: a family's, say ({@link MetricFamily#names()}). */
        public Builder absentAll(String reason, Iterable<String> names) {
            for (String n : names) {
                absent(n, reason);
            }
            return this;
        }

        public Metrics build() {
            return new Metrics(inCatalogueOrder(byName));
        }
    }
}
