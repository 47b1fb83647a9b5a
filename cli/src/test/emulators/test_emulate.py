"""Self-test of the engine emulators: each engine streams two requests at once (and a third that can hit the
prefix cache); what the client saw is checked against the truth log, and the /metrics page against both.
Run: /usr/bin/python3 -m unittest discover -s cli/src/test/emulators"""
import json
import os
import subprocess
import sys
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from emuclient import Emulator, chat_body, parse_prometheus, family_of  # noqa: E402

PROMPT = ("You are a careful assistant. Read the screen and decide the next action. " * 4).strip()

# Per engine: the families the page must carry after the requests, whether it has a reasoning parser that
# swallows <think> (so the first chunk with choices comes before the first text), and histogram families whose
# sum and count must equal the truth log's observations.
ENGINES = {
    "vllm": {"families": ["vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc",
                          "vllm:prefix_cache_queries_total", "vllm:prefix_cache_hits_total",
                          "vllm:num_preemptions_total", "vllm:prompt_tokens_total", "vllm:generation_tokens_total",
                          "vllm:time_to_first_token_seconds", "vllm:inter_token_latency_seconds",
                          "vllm:e2e_request_latency_seconds", "vllm:request_queue_time_seconds"],
             "role_first": True, "eager": "vllm:e2e_request_latency_seconds_count"},
    "vllm-dp2": {"families": ["vllm:num_requests_running", "vllm:kv_cache_usage_perc",
                              "vllm:time_to_first_token_seconds", "vllm:request_queue_time_seconds"],
                 "role_first": True, "eager": "vllm:e2e_request_latency_seconds_count"},
    "vllm-0.8": {"families": ["vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:gpu_cache_usage_perc",
                              "vllm:gpu_prefix_cache_queries_total", "vllm:gpu_prefix_cache_hits_total",
                              "vllm:num_preemptions_total", "vllm:time_per_output_token_seconds",
                              "vllm:time_to_first_token_seconds", "vllm:e2e_request_latency_seconds"],
                 "role_first": True, "eager": "vllm:e2e_request_latency_seconds_count"},
    "sglang": {"families": ["sglang:prompt_tokens_total", "sglang:generation_tokens_total",
                            "sglang:cached_tokens_total", "sglang:num_running_reqs", "sglang:num_queue_reqs",
                            "sglang:token_usage", "sglang:num_retracted_reqs", "sglang:time_to_first_token_seconds",
                            "sglang:e2e_request_latency_seconds", "sglang:queue_time_seconds"],
               "role_first": True, "lazy": "sglang:prompt_tokens_total"},
    "sglang-dp2": {"families": ["sglang:num_running_reqs", "sglang:queue_time_seconds",
                                "sglang:time_to_first_token_seconds"],
                   "role_first": True, "lazy": "sglang:prompt_tokens_total"},
    "tgi": {"families": ["tgi_request_count", "tgi_request_success", "tgi_queue_size", "tgi_batch_current_size",
                         "tgi_request_duration", "tgi_request_queue_duration"],
            "role_first": False, "lazy": "tgi_request_count"},
    "llamacpp": {"families": ["llamacpp:prompt_tokens_total", "llamacpp:tokens_predicted_total",
                              "llamacpp:requests_processing", "llamacpp:requests_deferred"],
                 "role_first": True},
    "llamacpp-old": {"families": ["llamacpp:prompt_tokens_total", "llamacpp:kv_cache_usage_ratio",
                                  "llamacpp:requests_processing", "llamacpp:requests_deferred"],
                     "role_first": False},
    "ollama": {"families": [], "role_first": False},
}
SEP_NO_SPACE = {"tgi"}


def payload(engine, data_frames):
    """The JSON objects of a stream's data frames, [DONE] left out."""
    out = []
    for field, data, t in data_frames:
        if field == "data" and data != "[DONE]":
            out.append(json.loads(data))
    return out


def has_text(obj):
    for c in obj.get("choices") or []:
        d = c.get("delta") or {}
        for k in ("content", "reasoning", "reasoning_content"):
            if isinstance(d.get(k), str) and d[k]:
                return True
        if isinstance(c.get("text"), str) and c["text"]:
            return True
    return False


def run_concurrently(fns):
    results = [None] * len(fns)

    def run(i):
        results[i] = fns[i]()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


class EngineStreams(unittest.TestCase):

    def check_engine(self, engine):
        exp = ENGINES[engine]
        args = ["--reasoning", "--cache-report", "on", "--decode-ms", "1"]
        with Emulator(engine, *args) as emu:
            status, ctype, before = emu.get("/metrics")
            if engine == "ollama":
                self.assertEqual(status, 404)
            else:
                self.assertEqual(status, 200)
                _, samples_before = parse_prometheus(before.decode())
                if "eager" in exp:
                    self.assertIn(exp["eager"], {family_of(k) for k in samples_before})
                if "lazy" in exp:
                    self.assertNotIn(exp["lazy"], {family_of(k) for k in samples_before},
                                     "%s must appear only when first used" % exp["lazy"])
            status, ctype, models = emu.get("/v1/models")
            self.assertEqual(json.loads(models)["data"][0]["id"], "glm-tiny")
            # distinct max_tokens tell the requests apart in the truth log (TGI's chunk ids are all "")
            bodies = [chat_body(PROMPT + " first", 12), chat_body(PROMPT + " second", 11)]
            results = run_concurrently([lambda b=b: emu.stream(b) for b in bodies])
            results.append(emu.stream(chat_body(PROMPT + " first", 10)))
            status, ctype, page = emu.get("/metrics")
            truth = emu.truth()
        reqs = [r for r in truth if r["type"] == "request"]
        scrapes = [r for r in truth if r["type"] == "scrape"]
        self.assertEqual(len(reqs), 3)
        by_id = {r["id"]: r for r in reqs}
        for (status, frames), want in zip(results, (12, 11, 10)):
            self.assertEqual(status, 200)
            self.assertTrue(frames[-1][0] == "data" and frames[-1][1] == "[DONE]", engine)
            objs = payload(engine, frames)
            rec = [r for r in reqs if r["completion_tokens"] == want]
            self.assertEqual(len(rec), 1, engine)
            rec = rec[0]
            self.assertEqual(rec["status"], "ok")
            if objs[0]["id"]:
                self.assertEqual(objs[0]["id"], rec["id"])
            usage = [o["usage"] for o in objs if o.get("usage")]
            self.assertTrue(usage, "%s sends usage when include_usage is set" % engine)
            self.assertEqual(usage[-1]["completion_tokens"], rec["completion_tokens"])
            self.assertEqual(usage[-1]["prompt_tokens"], rec["prompt_tokens"])
            details = usage[-1].get("prompt_tokens_details")
            if isinstance(details, dict) and details.get("cached_tokens"):
                self.assertEqual(details["cached_tokens"], rec["cached_tokens"])
            timings = [o["timings"] for o in objs if o.get("timings")]
            if timings:
                self.assertEqual(timings[-1]["cache_n"], rec["cached_tokens"])
            with_choices = [o for o in objs if o.get("choices")]
            texts = [o for o in with_choices if has_text(o)]
            self.assertEqual(has_text(with_choices[0]), not exp["role_first"], engine)
            if exp["role_first"]:
                self.assertLess(rec["first_chunk_ms"], rec["first_text_ms"])
            else:
                self.assertEqual(rec["first_chunk_ms"], rec["first_text_ms"])
            # one chunk per token, less the two think tags a parser swallows
            swallowed = 2 if engine not in ("tgi", "llamacpp-old") else 0
            self.assertEqual(len(texts), rec["completion_tokens"] - swallowed, engine)
        third_rec = max(reqs, key=lambda r: r["arrival_ms"])
        if engine != "tgi":  # TGI's prefix cache is not modelled (it reports none)
            self.assertGreater(third_rec["cached_tokens"], 0, "%s: the repeated prompt hits the cache" % engine)
        if engine != "ollama":
            types, samples = parse_prometheus(page.decode())
            families = {family_of(k) for k in samples}
            for fam in exp["families"]:
                self.assertTrue(any(f == fam or f.startswith(fam + "_") for f in families), "%s lacks %s" % (engine, fam))
            self.assertEqual(scrapes[-1]["series"], samples, "the truth log records the page as served")
            if engine.startswith("llamacpp"):
                self.assertNotIn("histogram", types.values())
            self.check_histograms(engine, reqs, samples)

    def check_histograms(self, engine, reqs, samples):
        observed = {}
        for r in reqs:
            for fam, values in r["observed"].items():
                observed.setdefault(fam, []).extend(values)
        self.assertTrue(observed or engine.startswith("llamacpp"), engine)
        for fam, values in observed.items():
            sums = [v for k, v in samples.items() if family_of(k) == fam + "_sum"]
            counts = [v for k, v in samples.items() if family_of(k) == fam + "_count"]
            self.assertTrue(sums, "%s: %s has no _sum" % (engine, fam))
            self.assertAlmostEqual(sum(sums), sum(values), delta=1e-6 * (len(values) + 1) + 1e-9,
                                   msg="%s %s sum" % (engine, fam))
            self.assertEqual(sum(counts), len(values), "%s %s count" % (engine, fam))

    def test_vllm(self):  # noqa: the engine list is ENGINES
        self.check_engine("vllm")

    def test_vllm_dp2(self):
        self.check_engine("vllm-dp2")

    def test_vllm_08(self):
        self.check_engine("vllm-0.8")

    def test_sglang(self):
        self.check_engine("sglang")

    def test_sglang_dp2(self):
        self.check_engine("sglang-dp2")

    def test_tgi(self):
        self.check_engine("tgi")

    def test_llamacpp(self):
        self.check_engine("llamacpp")

    def test_llamacpp_old(self):
        self.check_engine("llamacpp-old")

    def test_ollama(self):
        self.check_engine("ollama")


class Behaviours(unittest.TestCase):

    def test_dp2_splits_requests_and_labels_engines(self):
        for engine, label in (("vllm-dp2", 'engine="1"'), ("sglang-dp2", 'dp_rank="1"')):
            with Emulator(engine, "--decode-ms", "1") as emu:
                run_concurrently([lambda i=i: emu.stream(chat_body(PROMPT + str(i), 6)) for i in range(4)])
                _, _, page = emu.get("/metrics")
                reqs = [r for r in emu.truth() if r["type"] == "request"]
            self.assertEqual({r["engine_rank"] for r in reqs}, {0, 1}, engine)
            self.assertIn(label, page.decode())

    def test_kv_pressure_preempts_and_counts(self):
        for engine, fam in (("vllm", "vllm:num_preemptions_total"), ("sglang", "sglang:num_retracted_requests_total"),
                            ("vllm-0.8", "vllm:num_preemptions_total")):
            with Emulator(engine, "--scenario", "kv-pressure", "--kv-tokens", "512", "--decode-ms", "1") as emu:
                run_concurrently([lambda i=i: emu.stream(chat_body("%d " % i + PROMPT, 120)) for i in range(4)])
                _, _, page = emu.get("/metrics")
                reqs = [r for r in emu.truth() if r["type"] == "request"]
            _, samples = parse_prometheus(page.decode())
            preempted = sum(r["preemptions"] for r in reqs)
            self.assertGreater(preempted, 0, engine)
            self.assertEqual(sum(v for k, v in samples.items() if family_of(k) == fam), preempted, engine)
            self.assertTrue(all(r["completion_tokens"] == 120 for r in reqs), engine)

    def test_mid_stream_error_shapes(self):
        cases = {
            "vllm": lambda fr: fr[-2][0] == "data" and json.loads(fr[-2][1])["error"]["code"] == 500
            and fr[-1][1] == "[DONE]",
            "vllm-0.8": lambda fr: json.loads(fr[-2][1])["error"]["object"] == "error" and fr[-1][1] == "[DONE]",
            "sglang": lambda fr: json.loads(fr[-2][1])["error"]["type"] == "BadRequestError",
            "tgi": lambda fr: json.loads(fr[-2][1])["error"]["http_status_code"] == 422,
            "llamacpp": lambda fr: json.loads(fr[-1][1])["error"]["type"] == "server_error",
            "llamacpp-old": lambda fr: fr[-2][0] == "error" and fr[-1][1] == "[DONE]",
            "ollama": lambda fr: json.loads(fr[-1][1])["choices"][0]["delta"] == {"content": ""}
            and json.loads(fr[-1][1])["model"] == "",
        }
        for engine, check in cases.items():
            with Emulator(engine, "--fault", "error-after-tokens:3", "--decode-ms", "1") as emu:
                status, frames = emu.stream(chat_body(PROMPT, 10))
                reqs = emu.requests(1)
            self.assertEqual(status, 200)
            self.assertTrue(check(frames), "%s: %r" % (engine, frames[-2:]))
            self.assertEqual(reqs[0]["status"], "error")
            self.assertEqual(reqs[0]["completion_tokens"], 3)

    def test_omit_leaves_a_family_out(self):
        with Emulator("vllm", "--omit", "vllm:e2e_request_latency_seconds") as emu:
            emu.stream(chat_body(PROMPT, 4))
            _, _, page = emu.get("/metrics")
        text = page.decode()
        self.assertNotIn("vllm:e2e_request_latency_seconds", text)
        self.assertIn("vllm:request_queue_time_seconds_sum", text)

    def test_queueing_one_slot(self):
        with Emulator("vllm", "--scenario", "queueing", "--decode-ms", "2") as emu:
            run_concurrently([lambda i=i: emu.stream(chat_body(PROMPT + str(i), 10)) for i in range(3)])
            reqs = [r for r in emu.truth() if r["type"] == "request"]
        reqs.sort(key=lambda r: r["queued_ms"])
        for a, b in zip(reqs, reqs[1:]):
            self.assertGreaterEqual(b["queued_ms"], a["last_token_ms"], "one slot: one request at a time")

    def test_image_tokens_from_png_header(self):
        import base64
        import struct
        import zlib

        def png(w, h):
            def chunk(kind, data):
                return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
            return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                    + chunk(b"IDAT", zlib.compress(b"\x00" * 10)) + chunk(b"IEND", b""))
        url = "data:image/png;base64," + base64.b64encode(png(560, 280)).decode()
        body = {"model": "glm-tiny", "stream": True, "max_tokens": 2, "stream_options": {"include_usage": True},
                "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": url}},
                                                         {"type": "text", "text": "abcdefgh"}]}]}
        with Emulator("vllm") as emu:
            status, frames = emu.stream(body)
        usage = [o["usage"] for o in payload("vllm", frames) if o.get("usage")][0]
        self.assertEqual(usage["prompt_tokens"], (560 // 28) * (280 // 28) + 2 + 2)

    def test_bad_option_is_one_line_and_exit_2(self):
        p = subprocess.run([sys.executable, os.path.join(HERE, "emulate.py"), "--engine", "nope", "--port-file",
                            "/dev/null", "--truth", "/dev/null"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1)


if __name__ == "__main__":
    unittest.main()
