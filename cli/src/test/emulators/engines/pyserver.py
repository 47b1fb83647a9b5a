"""Families a Python API server's default prometheus_client REGISTRY serves besides the engine's own.

- prometheus_client's default collectors (prometheus_client/gc_collector.py, platform_collector.py,
  process_collector.py), registered in that order at import, so they come first on the page: python_gc_*,
  python_info, process_*. Their values here are this emulator process's own (gc.get_stats, /proc/self).
- prometheus-fastapi-instrumentator's metrics.default() (trallnag/prometheus-fastapi-instrumentator,
  src/prometheus_fastapi_instrumentator/metrics.py), which vLLM mounts (vllm/v1/metrics/prometheus.py mount_metrics,
  excluded handlers /metrics /health /load /ping /version /server_info): http_requests_total{handler,method,status},
  http_request_size_bytes and http_response_size_bytes (summaries by handler), http_request_duration_highr_seconds
  (no labels), http_request_duration_seconds{handler,method}. Status codes grouped as 2xx/4xx/5xx. The emulator
  observes a request when its response has been written (the instrumentator's middleware measures until the
  handler returns, which for a stream is earlier): an approximation, documented in README.md.
"""
import gc
import os
import platform
import resource
import time

import prom

HIGHR = (0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 7.5, 10, 30, 60)
EXCLUDED = {"/metrics", "/health", "/load", "/ping", "/version", "/server_info"}


class DefaultCollectors:
    def __init__(self, reg):
        self.collected = reg.add(prom.Family("python_gc_objects_collected_total", "counter",
                                             "Objects collected during gc", ["generation"]))
        self.uncollectable = reg.add(prom.Family("python_gc_objects_uncollectable_total", "counter",
                                                 "Uncollectable objects found during GC", ["generation"]))
        self.collections = reg.add(prom.Family("python_gc_collections_total", "counter",
                                               "Number of times this generation was collected", ["generation"]))
        v = platform.python_version_tuple()
        self.info = reg.add(prom.Family("python_info", "gauge", "Python platform information",
                                        ["implementation", "major", "minor", "patchlevel", "version"]))
        self.info.set((platform.python_implementation(), v[0], v[1], v[2], platform.python_version()), 1)
        self.vmem = reg.add(prom.Family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes."))
        self.rss = reg.add(prom.Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes."))
        self.start = reg.add(prom.Family("process_start_time_seconds", "gauge",
                                         "Start time of the process since unix epoch in seconds."))
        self.cpu = reg.add(prom.Family("process_cpu_seconds_total", "counter",
                                       "Total user and system CPU time spent in seconds."))
        self.fds = reg.add(prom.Family("process_open_fds", "gauge", "Number of open file descriptors."))
        self.max_fds = reg.add(prom.Family("process_max_fds", "gauge", "Maximum number of open file descriptors."))
        self.start.set((), time.time())
        for fam in (self.collected, self.uncollectable, self.collections):
            for g in range(3):
                fam.labels((str(g),))
        for fam in (self.vmem, self.rss, self.cpu, self.fds, self.max_fds):
            fam.labels(())
        self.refresh()

    def refresh(self):
        for g, st in enumerate(gc.get_stats()[:3]):
            self.collected.labels((str(g),)).value = float(st.get("collected", 0))
            self.uncollectable.labels((str(g),)).value = float(st.get("uncollectable", 0))
            self.collections.labels((str(g),)).value = float(st.get("collections", 0))
        try:
            with open("/proc/self/statm") as f:
                parts = f.read().split()
            page = os.sysconf("SC_PAGE_SIZE")
            self.vmem.set((), float(parts[0]) * page)
            self.rss.set((), float(parts[1]) * page)
            self.fds.set((), float(len(os.listdir("/proc/self/fd"))))
        except OSError:
            pass
        t = os.times()
        self.cpu.labels(()).value = t.user + t.system
        self.max_fds.set((), float(resource.getrlimit(resource.RLIMIT_NOFILE)[0]))


class Instrumentator:
    def __init__(self, reg):
        self.total = reg.add(prom.Family("http_requests_total", "counter",
                                         "Total number of requests by method, status and handler.",
                                         ["method", "status", "handler"]))
        self.in_size = reg.add(prom.Family(
            "http_request_size_bytes", "summary", "Content length of incoming requests by handler. Only value of "
            "header is respected. Otherwise ignored. No percentile calculated. ", ["handler"]))
        self.out_size = reg.add(prom.Family(
            "http_response_size_bytes", "summary", "Content length of outgoing responses by handler. Only value of "
            "header is respected. Otherwise ignored. No percentile calculated. ", ["handler"]))
        self.highr = reg.add(prom.Family(
            "http_request_duration_highr_seconds", "histogram", "Latency with many buckets but no API specific "
            "labels. Made for more accurate percentile calculations. ", [], HIGHR))
        self.highr.labels(())
        self.lowr = reg.add(prom.Family(
            "http_request_duration_seconds", "histogram", "Latency with only few buckets by handler. Made to be "
            "only used if aggregation by handler is important. ", ["method", "handler"], (0.1, 0.5, 1)))

    def observe(self, method, handler, status, seconds, in_bytes, out_bytes):
        if handler in EXCLUDED:
            return
        self.total.inc((method, "%dxx" % (status // 100), handler))
        for fam, v in ((self.in_size, in_bytes), (self.out_size, out_bytes)):
            c = fam.labels((handler,))
            c.value += 1
            c.sum = (c.sum or 0.0) + v
        self.highr.observe((), seconds)
        self.lowr.observe((method, handler), seconds)
