"""torch.profiler sessions of the reference server (POST /start_profile, /stop_profile; docs/serve.md#profiling), run
on the engine thread between two steps, bounded (docs/serve.md#limits):

- one session at a time (a second /start_profile answers 409);
- a session stops by itself PROFILE_MAX_S after it started (--profile-max-s): its trace is written as a stopped one's
  is, and the next /stop_profile answers with it ("stopped_by": "limit");
- once the traces written by this server reach PROFILE_MAX_BYTES in all (--profile-max-mb), /start_profile answers
  403: the total can pass the cap by one session's trace, no more."""

import json
import os
import threading
import time

import torch

PROFILE_MAX_S = 60.0
PROFILE_MAX_BYTES = 1024 * 1024 * 1024

# the engine's record_function ranges: the legacy export tells them from operators by nothing but the name
ANNOTATIONS = ("ProfilerStep#", "vision encoder")


class Result:
    """What a /start_profile or /stop_profile answers: ok with the JSON answer, or an HTTP code and a message."""

    def __init__(self, ok, code=200, message="", answer=None):
        self.ok, self.code, self.message, self.answer = ok, code, message, answer


class Session:
    """One profiler session's trace being written: done once the file is whole (or failed)."""

    def __init__(self, path, by):
        self.path, self.by = path, by
        self.done = threading.Event()
        self.error = None


class Profiler:
    def __init__(self, directory, device, max_s=PROFILE_MAX_S, max_bytes=PROFILE_MAX_BYTES):
        self.dir, self.device, self.max_s, self.max_bytes = directory, device, max_s, max_bytes
        self.prof = None                 # the running torch.profiler.profile
        self.start_ns = 0
        self.deadline = None             # time.monotonic() when the running session stops by itself
        self.steps = 0
        self.written = 0                 # bytes of traces written by this server
        self.lock = threading.Lock()
        self.unclaimed = None            # a session stopped by its time limit, until a /stop_profile answers with it

    @property
    def active(self):
        return self.prof is not None

    def left_s(self):
        """Seconds before the running session stops by itself (None: none runs)."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    # ---- on the engine thread ----
    def command(self, action, reply):
        """Runs /start_profile or /stop_profile; reply(Result) is called once, maybe from another thread."""
        try:
            if action == "start":
                reply(self._start())
            elif self.prof is not None:
                self._wait_then(self._stop("request"), reply)
            elif self.unclaimed is not None:
                session, self.unclaimed = self.unclaimed, None
                self._wait_then(session, reply)
            else:
                reply(Result(False, 409, "the profiler is not running"))
        except Exception as e:           # a profiler that fails leaves the server serving
            self.prof = self.deadline = None
            reply(Result(False, 409, f"{type(e).__name__}: {e}".splitlines()[0]))

    def check_time(self):
        """Between two steps: stops the running session once its time is up."""
        if self.prof is not None and time.monotonic() >= self.deadline:
            self.unclaimed = self._stop("limit")

    def _start(self):
        if self.prof is not None:
            return Result(False, 409, "the profiler is already running")
        with self.lock:
            written = self.written
        if written >= self.max_bytes:
            return Result(False, 403, f"this server has written {written} bytes of profiler traces, its limit is "
                                      f"{self.max_bytes} (--profile-max-mb): no more sessions")
        acts = [torch.profiler.ProfilerActivity.CPU]
        if self.device.type == "cuda":
            acts.append(torch.profiler.ProfilerActivity.CUDA)
        prof = torch.profiler.profile(activities=acts, record_shapes=True)
        self.start_ns = time.time_ns()
        prof.__enter__()
        self.prof, self.steps = prof, 0
        self.deadline = time.monotonic() + self.max_s
        self.unclaimed = None
        return Result(True, answer={"status": "profiling", "profile_max_s": self.max_s})

    def _stop(self, by):
        prof, self.prof, self.deadline = self.prof, None, None
        prof.__exit__(None, None, None)
        session = Session(os.path.join(self.dir, f"autoglm-serve-{os.getpid()}-{self.start_ns // 1000000}"
                                                 ".pt.trace.json"), by)
        # the trace is written off the engine thread, which goes on serving; /stop_profile answers once it is whole
        threading.Thread(target=self._export, args=(prof, session, self.start_ns), name="profile-export",
                         daemon=True).start()
        return session

    def _wait_then(self, session, reply):
        def answer():
            session.done.wait()
            if session.error:
                reply(Result(False, 409, session.error))
                return
            out = {"status": "stopped", "trace": session.path}
            if session.by == "limit":
                out.update(stopped_by="limit", profile_max_s=self.max_s)
            reply(Result(True, answer=out))
        threading.Thread(target=answer, name="profile-answer", daemon=True).start()

    def _export(self, prof, session, start_ns):
        try:
            prof.export_chrome_trace(session.path)
            wall_clock(session.path, start_ns)
        except Exception as e:
            session.error = f"{type(e).__name__}: {e}".splitlines()[0]
        finally:
            try:
                size = os.path.getsize(session.path)
            except OSError:
                size = 0
            with self.lock:
                self.written += size
            session.done.set()


def wall_clock(path, start_ns):
    """A trace torch wrote as a bare array with times from the profiler's start (PyTorch builds without Kineto) gets
    the object form with baseTimeNanoseconds, the wall time of that start, as Kineto's traces carry (docs/serve.md),
    and the categories Kineto gives its events, which the legacy export leaves out: a record_function range
    (ProfilerStep#N, the vision encoder) is a user_annotation, every other event an operator (cpu_op). A Kineto
    trace has both already and is left as it is."""
    with open(path) as f:
        data = json.load(f)
    if isinstance(data, list):
        for e in data:
            if isinstance(e, dict) and e.get("ph") == "X" and "cat" not in e:
                name = str(e.get("name", ""))
                e["cat"] = "user_annotation" if name.startswith(ANNOTATIONS) else "cpu_op"
        with open(path, "w") as f:
            json.dump({"traceEvents": data, "baseTimeNanoseconds": start_ns, "displayTimeUnit": "ms",
                       "autoglm": {"clock": "profiler start, time.time_ns() just before it was enabled"}}, f)
