"""Metric families and the three text expositions the emulated engines' libraries write.

- render_client: prometheus_client's generate_latest (prometheus/client_python, prometheus_client/exposition.py and
  utils.floatToGoString): per family HELP and TYPE (a counter's name gets _total), samples with labels sorted by
  name, values as floatToGoString; the _created samples of counters and histograms follow the family under their own
  "# TYPE name_created gauge". A labelled family with no child still prints its HELP and TYPE. vLLM uses this
  (default REGISTRY, one API server).
- render_multiprocess: prometheus_client's MultiProcessCollector (prometheus_client/multiprocess.py, merge and
  _accumulate_metrics): only series some process created exist; no _created; gauges in the default "all" mode get a
  pid label; a histogram's _sum samples come first, then each child's buckets (ascending le) and _count. SGLang uses
  this (PROMETHEUS_MULTIPROC_DIR is always set by its launcher).
- render_metrics_rs: metrics-exporter-prometheus 0.15 (TGI's Cargo.lock), recorder.rs render() and formatting.rs:
  counters, then gauges, then histograms, each family followed by a blank line; counters are u64 with no _total
  suffix; floats as Rust's f64 Display (shortest round-trip digits, never an exponent, integral values without .0);
  HELP only for described metrics. The real exporter iterates HashMaps, so its family order varies between runs;
  the emulator sorts by name.
"""
import decimal
import math
import threading
import time

INF = float("inf")


def go_float(d):
    """prometheus_client.utils.floatToGoString."""
    d = float(d)
    if d == INF:
        return "+Inf"
    if d == -INF:
        return "-Inf"
    if math.isnan(d):
        return "NaN"
    s = repr(d)
    dot = s.find(".")
    if d > 0 and dot > 6:
        mantissa = "{0}.{1}{2}".format(s[0], s[1:dot], s[dot + 1:]).rstrip("0.")
        return "{0}e+0{1}".format(mantissa, dot - 1)
    return s


def rust_f64(d):
    """Rust's Display for f64: shortest round-trip digits in positional notation."""
    d = float(d)
    if d == INF:
        return "inf"
    if d == -INF:
        return "-inf"
    if math.isnan(d):
        return "NaN"
    if d == int(d) and abs(d) < 1e16:
        return str(int(d))
    s = format(decimal.Decimal(repr(d)), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


class Child:
    __slots__ = ("value", "buckets", "sum", "created")

    def __init__(self):
        self.buckets = None


class Family:
    """One metric family with labelled children, created on first use (labels())."""

    def __init__(self, name, kind, doc, labelnames=(), buckets=None, mp_mode="all"):
        self.kind = kind
        self.name = name[:-6] if kind == "counter" and name.endswith("_total") else name
        self.doc = doc
        self.labelnames = tuple(labelnames)
        self.mp_mode = mp_mode
        self.bounds = None
        if kind == "histogram":
            b = [float(x) for x in buckets]
            if not b or b[-1] != INF:
                b.append(INF)
            self.bounds = b
        self.children = {}

    def key(self, values):
        if isinstance(values, dict):
            return tuple(str(values[n]) for n in self.labelnames)
        return tuple(str(v) for v in values)

    def labels(self, values=()):
        k = self.key(values)
        c = self.children.get(k)
        if c is None:
            c = Child()
            c.value = 0.0
            c.created = time.time()
            c.sum = 0.0
            if self.kind == "histogram":
                c.buckets = [0] * len(self.bounds)
            self.children[k] = c
        return c

    def inc(self, values=(), amount=1.0):
        self.labels(values).value += amount

    def set(self, values=(), value=0.0):
        self.labels(values).value = float(value)

    def observe(self, values=(), value=0.0):
        c = self.labels(values)
        c.sum += value
        for i, bound in enumerate(self.bounds):
            if value <= bound:
                c.buckets[i] += 1
                break

    def observe_many(self, values, sum_inc, per_value, count):
        """SGLang's observe_inter_token_latency: the sum grows by sum_inc, count values of per_value fall in."""
        c = self.labels(values)
        c.sum += sum_inc
        for i, bound in enumerate(self.bounds):
            if per_value <= bound:
                c.buckets[i] += count
                break


class Registry:
    def __init__(self):
        self.families = []
        self.lock = threading.RLock()

    def add(self, family):
        self.families.append(family)
        return family


def _escape_label(v):
    return v.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")


def _labelstr(pairs):
    if not pairs:
        return ""
    return "{" + ",".join('%s="%s"' % (k, _escape_label(v)) for k, v in sorted(pairs)) + "}"


def _escape_doc(doc):
    return doc.replace("\\", r"\\").replace("\n", r"\n")


class Page:
    """Lines being written and the series they serve (name{labels} -> value), for the truth log."""

    def __init__(self):
        self.out = []
        self.series = {}

    def sample(self, name, labelstr, valuestr, value):
        """One sample line; the truth log gets the value as served (the printed text read back)."""
        self.out.append("%s%s %s\n" % (name, labelstr, valuestr))
        try:
            served = float(valuestr.replace("+Inf", "inf").replace("-Inf", "-inf"))
        except ValueError:
            served = float(value)
        self.series[name + labelstr] = served

    def text(self):
        return "".join(self.out)


def render_client(families, created=True):
    page = Page()
    for fam in families:
        mname = fam.name + "_total" if fam.kind == "counter" else fam.name
        page.out.append("# HELP %s %s\n" % (mname, _escape_doc(fam.doc)))
        page.out.append("# TYPE %s %s\n" % (mname, fam.kind))
        om = []
        for values, c in list(fam.children.items()):
            base = list(zip(fam.labelnames, values))
            if fam.kind == "counter":
                page.sample(mname, _labelstr(base), go_float(c.value), c.value)
                om.append((base, c.created))
            elif fam.kind == "gauge":
                page.sample(fam.name, _labelstr(base), go_float(c.value), c.value)
            elif fam.kind == "summary":
                page.sample(fam.name + "_count", _labelstr(base), go_float(c.value), c.value)
                page.sample(fam.name + "_sum", _labelstr(base), go_float(c.sum), c.sum)
                om.append((base, c.created))
            else:
                acc = 0
                for bound, n in zip(fam.bounds, c.buckets):
                    acc += n
                    page.sample(fam.name + "_bucket", _labelstr(base + [("le", go_float(bound))]), go_float(acc), acc)
                page.sample(fam.name + "_count", _labelstr(base), go_float(acc), acc)
                page.sample(fam.name + "_sum", _labelstr(base), go_float(c.sum), c.sum)
                om.append((base, c.created))
        if created and om:
            page.out.append("# HELP %s_created %s\n" % (fam.name, _escape_doc(fam.doc)))
            page.out.append("# TYPE %s_created gauge\n" % fam.name)
            for base, t in om:
                page.sample(fam.name + "_created", _labelstr(base), go_float(t), t)
    return page


def render_multiprocess(processes):
    """processes: [(pid, [families in that process's file order])]. Families of one name are merged as
    _accumulate_metrics merges the processes' files: counters and histograms with the same labels add up, "all" gauges
    keep one sample per pid, "mostrecent" gauges keep the latest value."""
    merged = {}
    for pid, families in processes:
        for fam in families:
            if not fam.children:
                continue
            entry = merged.setdefault((fam.name, fam.kind), (fam, {}))
            acc = entry[1]
            for values, c in fam.children.items():
                base = list(zip(fam.labelnames, values))
                if fam.kind == "gauge" and fam.mp_mode in ("all", "liveall"):
                    base.append(("pid", str(pid)))
                key = _labelstr(base)
                prev = acc.get(key)
                if prev is None:
                    acc[key] = [base, c.value, c.sum, list(c.buckets) if c.buckets is not None else None, fam]
                elif fam.kind == "gauge":
                    prev[1] = c.value
                else:
                    prev[1] += c.value
                    prev[2] += c.sum
                    if prev[3] is not None:
                        prev[3] = [a + b for a, b in zip(prev[3], c.buckets)]
    page = Page()
    for (name, kind), (first, acc) in merged.items():
        mname = name + "_total" if kind == "counter" else name
        page.out.append("# HELP %s %s\n" % (mname, _escape_doc(first.doc)))
        page.out.append("# TYPE %s %s\n" % (mname, kind))
        if kind == "histogram":
            for key, (base, value, total, buckets, fam) in acc.items():
                page.sample(name + "_sum", key, go_float(total), total)
            for key, (base, value, total, buckets, fam) in acc.items():
                n = 0
                for bound, k in sorted(zip(fam.bounds, buckets)):
                    n += k
                    page.sample(name + "_bucket", _labelstr(base + [("le", go_float(bound))]), go_float(n), n)
                page.sample(name + "_count", key, go_float(n), n)
            continue
        for key, (base, value, total, buckets, fam) in acc.items():
            page.sample(mname, key, go_float(value), value)
    return page


def render_metrics_rs(families):
    """TGI's exporter. Families are Family objects; only those with children are rendered."""
    page = Page()
    order = {"counter": 0, "gauge": 1, "histogram": 2}
    live = [f for f in families if f.children]
    for fam in sorted(live, key=lambda f: (order[f.kind], f.name)):
        if fam.doc:
            page.out.append("# HELP %s %s\n" % (fam.name, fam.doc))
        page.out.append("# TYPE %s %s\n" % (fam.name, fam.kind))
        for values, c in fam.children.items():
            labels = ['%s="%s"' % (k, v) for k, v in zip(fam.labelnames, values)]
            if fam.kind == "counter":
                ls = "{" + ",".join(labels) + "}" if labels else ""
                page.sample(fam.name, ls, str(int(c.value)), int(c.value))
            elif fam.kind == "gauge":
                ls = "{" + ",".join(labels) + "}" if labels else ""
                page.sample(fam.name, ls, rust_f64(c.value), c.value)
            else:
                acc = 0
                for bound, n in zip(fam.bounds, c.buckets):
                    acc += n
                    le = "+Inf" if bound == INF else rust_f64(bound)
                    if bound == INF:
                        continue
                    page.sample(fam.name + "_bucket", "{" + ",".join(labels + ['le="%s"' % le]) + "}", str(acc), acc)
                page.sample(fam.name + "_bucket", "{" + ",".join(labels + ['le="+Inf"']) + "}", str(acc), acc)
                ls = "{" + ",".join(labels) + "}" if labels else ""
                page.sample(fam.name + "_sum", ls, rust_f64(c.sum), c.sum)
                page.sample(fam.name + "_count", ls, str(acc), acc)
        page.out.append("\n")
    return page
