"""The reference server against independent routes: its continuous batching (slot cache, chunked prefill, prefix
cache, preemption) must produce the greedy tokens of recomputing each prompt alone; images must count as the
GLM-4.1V processor's formula gives by hand; the HTTP side must frame its streams as vLLM does.
Run: python3 -m unittest discover -s native/workload/tests -t native/workload"""

import base64
import json
import struct
import threading
import time
import unittest
import urllib.request
import zlib

import torch

from autoglm_workload.decoders import RecomputeDecoder
from autoglm_workload.glm import GlmModel
from autoglm_workload.presets import PRESETS
from autoglm_workload.serve import Settings
from autoglm_workload.serve_engine import Engine, Request, new_stream
from autoglm_workload.serve_http import make_handler, pool_of
from autoglm_workload.serve_metrics import Metrics
from autoglm_workload.serve_prompt import Prompt, chat_prompt, image_tokens
from autoglm_workload.serve_server import Server

CFG = PRESETS["glm-tiny"]


def settings(**kw):
    base = dict(max_num_seqs=4, max_model_len=256, max_num_batched_tokens=2048, kv_cache_tokens=4 * 256,
                prefix_cache=False, prefix_cache_blocks=64, output_tokens=6, reasoning_share=0.5,
                reasoning_field="reasoning_content", max_pixels=28 * 28 * 15000)
    base.update(kw)
    return Settings(**base)


def engine(s):
    torch.manual_seed(0)
    e = Engine(CFG, torch.device("cpu"), torch.float32, s, Metrics("glm-tiny", s))
    e.start()
    return e


def recompute_greedy(model, ids, n):
    """The tokens greedy decoding gives when the whole sequence is fed again at every step (no cache at all)."""
    dec = RecomputeDecoder(model, torch.float32)
    x = torch.tensor([ids])
    valid = torch.ones_like(x, dtype=torch.bool)
    out = []
    with torch.no_grad():
        logits = dec.prefill(x, valid)
        for _ in range(n):
            t = logits.argmax(-1)
            out.append(int(t[0]))
            logits = dec.step(t)
    return out


def run_all(e, prompts, n):
    reqs = [Request(f"r{i}", Prompt(p, 0, 0), n, False, new_stream()) for i, p in enumerate(prompts)]
    for r in reqs:
        e.submit(r)
    for r in reqs:
        while True:
            ev = r.out.get(timeout=60)
            if ev[0] != "token":
                break
    return [r.generated for r in reqs]


def prompts():
    g = torch.Generator().manual_seed(3)
    shared = torch.randint(16, CFG.vocab, (40,), generator=g).tolist()
    return [shared + torch.randint(16, CFG.vocab, (n,), generator=g).tolist() for n in (5, 23, 11)]


class EngineTest(unittest.TestCase):
    def expected(self, ps, n):
        torch.manual_seed(0)
        model = GlmModel(CFG, torch.device("cpu"), torch.float32, 256).eval()
        return [recompute_greedy(model, p, n) for p in ps]

    def check(self, s, n=6):
        ps = prompts()
        e = engine(s)
        try:
            got = run_all(e, ps, n)
            again = run_all(e, ps, n)   # the second time the prefix cache (when on) holds the prompts
        finally:
            e.stop()
        want = self.expected(ps, n)
        self.assertEqual(want, got)
        self.assertEqual(want, again)
        return e

    def test_batched_decoding_gives_the_tokens_of_recomputing_each_prompt(self):
        self.check(settings())

    def test_chunked_prefill_gives_the_same_tokens(self):
        self.check(settings(max_num_batched_tokens=7))

    def test_prefix_cache_gives_the_same_tokens_and_hits(self):
        e = self.check(settings(prefix_cache=True))
        # second round: every full 16-token block of each prompt is cached (one token is always prefilled)
        self.assertGreater(e.metrics.prefix_hits, 0)

    def test_one_at_a_time_queues_and_gives_the_same_tokens(self):
        e = self.check(settings(max_num_seqs=1))
        self.assertEqual(1, len(e.free_slots))

    def test_preemption_recomputes_and_gives_the_same_tokens(self):
        # room for about two sequences: the third is admitted, then preempted when the others grow
        e = self.check(settings(kv_cache_tokens=110, output_tokens=12), n=12)
        self.assertGreater(e.metrics.preemptions, 0)


def png(width, height):
    raw = b"".join(b"\x00" + b"\x80" * (3 * width) for _ in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class ImageTest(unittest.TestCase):
    def test_phone_screenshot_is_3354_tokens(self):
        # 2400 -> 86 x 28 = 2408 rows, 1080 -> 39 x 28 = 1092 columns; 2 x 2408 x 1092 is under max_pixels;
        # (2408 / 14) x (1092 / 14) = 172 x 78 patches, / 4 after the 2x2 merge
        self.assertEqual(172 * 78 // 4, image_tokens(2400, 1080))

    def test_large_image_is_capped_by_max_pixels(self):
        # 4000 x 4000: 2 x 4004^2 > 11,760,000; beta = sqrt(2 x 4000^2 / 11,760,000) = 1.6496;
        # floor(4000 / 1.6496 / 28) x 28 = 86 x 28 = 2408 per side -> (172 x 172) / 4
        self.assertEqual(172 * 172 // 4, image_tokens(4000, 4000))

    def test_small_image_is_raised_to_min_pixels(self):
        # 20 x 20 is scaled to 28 x 28 first; 2 x 28 x 28 < 112 x 112: beta = sqrt(12544 / 1568) = 2.83 ->
        # ceil(28 x 2.83 / 28) x 28 = 84 per side -> (6 x 6) / 4 = 9
        self.assertEqual(9, image_tokens(20, 20))

    def test_chat_prompt_counts_the_image(self):
        url = "data:image/png;base64," + base64.b64encode(png(56, 112)).decode()
        p = chat_prompt([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": url}},
                                                       {"type": "text", "text": "hi"}]}], CFG.vocab)
        self.assertEqual(1, p.images)
        self.assertEqual((112 // 14) * (56 // 14) // 4, p.image_tokens)


class HttpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        s = settings(output_tokens=4)
        cls.engine = engine(s)
        cls.server = Server("127.0.0.1", 0, make_handler(cls.engine, cls.engine.metrics, s, "glm-tiny", CFG), pool_of)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.url = f"http://127.0.0.1:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.engine.stop()

    def post(self, body):
        req = urllib.request.Request(self.url + "/v1/chat/completions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def test_stream_is_framed_as_vllm_frames_it(self):
        code, text = self.post({"model": "glm-tiny", "messages": [{"role": "user", "content": "hello there"}],
                                "stream": True, "max_tokens": 4, "stream_options": {"include_usage": True}})
        self.assertEqual(200, code)
        events = [e[len("data: "):] for e in text.split("\n\n") if e.startswith("data: ")]
        self.assertEqual("[DONE]", events[-1])
        frames = [json.loads(e) for e in events[:-1]]
        self.assertEqual({"role": "assistant", "content": ""}, frames[0]["choices"][0]["delta"])
        tokens = [f["choices"][0]["delta"] for f in frames[1:] if f["choices"] and f["choices"][0]["delta"]]
        self.assertEqual(["reasoning_content"] * 2 + ["content"] * 2, [list(d)[0] for d in tokens])
        self.assertEqual("length", frames[-2]["choices"][0]["finish_reason"])
        self.assertEqual([], frames[-1]["choices"])
        self.assertEqual(4, frames[-1]["usage"]["completion_tokens"])

    def test_bad_requests_are_4xx_with_an_error_object(self):
        code, text = self.post({"model": "other", "messages": [{"role": "user", "content": "x"}]})
        self.assertEqual(404, code)
        self.assertIn("does not exist", json.loads(text)["error"]["message"])
        code, text = self.post({"messages": "not a list"})
        self.assertEqual(400, code)

    def test_metrics_page_counts_the_requests(self):
        self.post({"messages": [{"role": "user", "content": "count me"}], "max_tokens": 2})
        with urllib.request.urlopen(self.url + "/metrics", timeout=10) as r:
            page = r.read().decode()
        line = [l for l in page.splitlines() if l.startswith("vllm:e2e_request_latency_seconds_count")][0]
        self.assertGreaterEqual(float(line.split()[-1]), 1)


if __name__ == "__main__":
    unittest.main()
