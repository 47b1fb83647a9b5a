"""The workload end to end on glm-tiny (CPU): the event stream, the knobs, batching and the exit codes."""

import io
import json
import os
import random
import tempfile
import unittest
from contextlib import redirect_stderr

from autoglm_workload.cli import main
from autoglm_workload.knobs import KnobError, resolve
from autoglm_workload.requests import Request, make_batches


def run(*knobs, scenario=None, model="glm-tiny"):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "events.jsonl")
        argv = ["--model", model, "--events", path, "--knob", "bandwidth_gbps=20"]
        if scenario:
            argv += ["--scenario", scenario]
        for k in knobs:
            argv += ["--knob", k]
        err = io.StringIO()
        with redirect_stderr(err):
            code = main(argv)
        with open(path) as f:
            return code, [json.loads(line) for line in f], err.getvalue()


class EventsTest(unittest.TestCase):
    def test_a_run_reports_every_phase_in_order(self):
        code, ev, _ = run("requests=3", "max_new_tokens=4", "prompt_len=20")
        self.assertEqual(0, code)
        kinds = [e["event"] for e in ev]
        self.assertEqual(["start", "fit", "bandwidth", "load"], kinds[:4])
        self.assertEqual(["memory", "end"], kinds[-2:])
        self.assertEqual("ok", ev[-1]["status"])
        steps = [e for e in ev if e["event"] == "step"]
        measured = [s for s in steps if not s["warmup"]]
        # 3 requests of batch 1: each one prefill and 3 decode steps (the prefill gives the first token)
        self.assertEqual(12, len(measured))
        self.assertEqual(3, sum(1 for s in measured if s["phase"] == "prefill"))
        self.assertEqual([2, 1, 0], [s["queue"] for s in measured if s["phase"] == "prefill"])
        reqs = [e for e in ev if e["event"] == "request"]
        self.assertEqual([0, 1, 2], [r["id"] for r in reqs])
        self.assertTrue(all(r["output_tokens"] == 4 and r["prompt_tokens"] == 20 for r in reqs))
        self.assertTrue(all(r["e2e_ms"] >= r["ttft_ms"] > 0 for r in reqs))
        times = [e["t"] for e in ev]
        self.assertEqual(sorted(times), times)

    def test_padding_to_max_length_counts_pad_tokens(self):
        code, ev, _ = run("requests=4", "batch=2", "prompt_len=uniform:10-40", "padding=max", "max_length=64",
                          "max_new_tokens=2", "warmup=0")
        self.assertEqual(0, code)
        prefills = [e for e in ev if e["event"] == "step" and e["phase"] == "prefill"]
        self.assertEqual([128, 128], [p["padded_tokens"] for p in prefills])
        reqs = [e for e in ev if e["event"] == "request"]
        self.assertEqual(sum(r["prompt_tokens"] for r in reqs), sum(p["real_tokens"] for p in prefills))

    def test_conversations_carry_their_history(self):
        code, ev, _ = run("requests=1", "turns=3", "prompt_len=10", "max_new_tokens=5", "warmup=0")
        self.assertEqual(0, code)
        reqs = [e for e in ev if e["event"] == "request"]
        # turn n's prompt: every earlier prompt and output, plus 10 new tokens
        self.assertEqual([10, 25, 40], [r["prompt_tokens"] for r in reqs])
        code, ev, _ = run("requests=1", "turns=3", "prompt_len=10", "max_new_tokens=5", "warmup=0",
                          "history_window=12")
        self.assertEqual([10, 22, 22], [r["prompt_tokens"] for r in ev if r["event"] == "request"])

    def test_beams_multiply_the_rows(self):
        code, ev, _ = run("requests=1", "num_beams=3", "max_new_tokens=3", "warmup=0", "prompt_len=8")
        self.assertEqual(0, code)
        self.assertEqual(3, ev[1]["rows"])
        self.assertEqual(3, [e for e in ev if e["event"] == "request"][0]["output_tokens"])

    def test_a_failure_is_an_error_event_and_exit_1(self):
        code, ev, err = run("requests=2", "max_new_tokens=4", "fail_at_step=2", "prompt_len=8")
        self.assertEqual(1, code)
        self.assertEqual("error", ev[-1]["event"])
        self.assertIn("fail_at_step=2", ev[-1]["message"])
        self.assertIn("autoglm-workload: failed: InjectedFault", err)

    def test_a_bad_knob_is_one_line_and_exit_2(self):
        err = io.StringIO()
        with redirect_stderr(err):
            self.assertEqual(2, main(["--model", "glm-tiny", "--knob", "padding=none"]))
        self.assertEqual("autoglm-workload: padding=none: expected one of max, longest, bucketed, sorted\n",
                         err.getvalue())

    def test_graphs_need_cuda(self):
        code, ev, err = run("mode=graphs", "device=cpu")
        self.assertEqual(2, code)
        self.assertEqual("mode=graphs: CUDA graphs need device=cuda", ev[-1]["message"])

    def test_the_bandwidth_check_is_outside_the_peak_memory_window(self):
        """The bandwidth check copies 2 x 128 MiB on the CPU before the model is built; the peak is measured after it
        (VmHWM reset), so a run that measures bandwidth and one that is given it report the same peak."""
        import subprocess
        import sys
        peaks = []
        for given in (False, True):
            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "events.jsonl")
                argv = ["--model", "glm-tiny", "--events", path, "--knob", "requests=2", "--knob", "prompt_len=16",
                        "--knob", "max_new_tokens=2"] + (["--knob", "bandwidth_gbps=20"] if given else [])
                # a process of its own each: the peak of one process, not of this test run's
                done = subprocess.run([sys.executable, "-m", "autoglm_workload"] + argv, capture_output=True, text=True,
                                      env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(__file__))))
                self.assertEqual(0, done.returncode, done.stderr)
                with open(path) as f:
                    ev = [json.loads(line) for line in f]
            bw = next(e for e in ev if e["event"] == "bandwidth")
            self.assertEqual("given (bandwidth_gbps knob)" if given else "host memory copy", bw["method"])
            mem = next(e for e in ev if e["event"] == "memory")
            self.assertIn("VmHWM", mem["kind"])
            peaks.append(mem["peak_bytes"])
        self.assertLess(abs(peaks[0] - peaks[1]), 64 << 20, f"peaks {peaks}: the 256 MiB of the check are not in it")

    def test_check_answers_without_running(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "events.jsonl")
            err = io.StringIO()
            with redirect_stderr(err):
                refused = main(["--model", "glm-tiny", "--check", "--events", path, "--knob", "mode=graphs",
                                "--knob", "device=cpu"])
                fine = main(["--model", "autoglm-phone-tiny", "--check", "--events", path, "--scenario", "agent"])
                no_vision = main(["--model", "glm-tiny", "--check", "--scenario", "agent"])
            self.assertEqual((2, 0, 2), (refused, fine, no_vision))
            self.assertFalse(os.path.exists(path), "--check writes no events")
            lines = err.getvalue().splitlines()
            self.assertEqual(["autoglm-workload: mode=graphs: CUDA graphs need device=cuda",
                              "autoglm-workload: image=1080x2400: glm-tiny has no vision tower (autoglm-phone-9b and "
                              "autoglm-phone-tiny have one)"], lines)

    def test_the_agent_scenario_drops_earlier_images_and_keeps_the_history(self):
        code, ev, err = run("max_pixels=40000", "requests=2", "batch=2", "turns=3", "system_len=30",
                            "output_len=uniform:3-5", "max_new_tokens=5", "action_ms=20", scenario="agent",
                            model="autoglm-phone-tiny")
        self.assertEqual(0, code, err)
        reqs = [e for e in ev if e["event"] == "request"]
        start = next(e for e in ev if e["event"] == "start")
        per_image = start["model"]["image_tokens"]
        # 1080x2400 within 40,000 pixels (two frames): 196 x 84 -> 7 x 3 = 21 tokens (tools/image_tokens.py agrees)
        self.assertEqual(21, per_image)
        for r in reqs:
            self.assertEqual(per_image, r["image_tokens"], "one image per request, earlier ones dropped")
        by_turn = {}
        for r in reqs:
            by_turn.setdefault(r["turn"], []).append(r)
        # each step's prompt: the last one's, less its image, plus template, text and the answer kept
        for t in (1, 2):
            for a, b in zip(by_turn[t - 1], by_turn[t]):
                self.assertGreater(b["prompt_tokens"], a["prompt_tokens"] + a["output_tokens"] - per_image)
        # queueing: every first step waits in the queue (none ahead in one batch), later steps arrive after the action
        self.assertTrue(all(r["queue_ms"] >= 0 for r in reqs))
        self.assertTrue(all(r["ttft_ms"] >= r["queue_ms"] for r in reqs))


class KnobsTest(unittest.TestCase):
    def test_scenario_then_pairs(self):
        k = resolve({"batch": "8", "padding": "max"}, ["batch=2", "kv_cache=off"])
        self.assertEqual((2, "max", False), (k["batch"], k["padding"], k["kv_cache"]))

    def test_errors(self):
        for pair, message in [("nope=1", "unknown knob 'nope'"), ("batch=0", "batch=0: must be at least 1"),
                              ("prompt_len=mixed:9,3,0.5", "prompt_len=mixed:9,3,0.5: expected N"),
                              ("batch", "'batch': a knob is NAME=VALUE")]:
            with self.assertRaises(KnobError) as e:
                resolve({}, [pair])
            self.assertTrue(str(e.exception).startswith(message), str(e.exception))

    def test_bucketed_batches_hold_one_bucket_each(self):
        rs = [Request(i, [n], 4) for i, n in enumerate([30, 1000, 40, 900, 50, 70])]
        k = dict(batch=2, padding="bucketed")
        self.assertEqual([[0, 2], [4], [5], [1, 3]], [[r.id for r in b] for b in make_batches(rs, k)])
        k["padding"] = "sorted"
        self.assertEqual([[0, 2], [4, 5], [3, 1]], [[r.id for r in b] for b in make_batches(rs, k)])
        k["padding"] = "longest"
        self.assertEqual([[0, 1], [2, 3], [4, 5]], [[r.id for r in b] for b in make_batches(rs, k)])

    def test_mixed_lengths_have_a_long_tail(self):
        from autoglm_workload.lengths import Distribution
        d = Distribution.parse("prompt_len", "mixed:100,2000,0.25")
        xs = [d.sample(random.Random(i)) for i in range(2000)]
        long_share = sum(1 for x in xs if x > 100) / len(xs)
        self.assertAlmostEqual(0.25, long_share, delta=0.03)
        self.assertTrue(all(50 <= x <= 2000 for x in xs))


if __name__ == "__main__":
    unittest.main()
