"""The workload's model against tools/glm_reference.py, a forward pass written from docs/workload.md#models alone
(no shared code; one sequence, no cache, float64): glm-tiny and the phone preset at toy size, images included, on
both attention paths where the installed torch has both; the prefix cache against recomputing; beam search against
an exhaustive search; the image token count against tools/image_tokens.py. Run: python3 -m unittest discover
native/workload/tests"""

import dataclasses
import os
import random
import sys
import unittest

import torch

from autoglm_workload import prompts
from autoglm_workload.decoders import EagerDecoder, Past, StaticDecoder
from autoglm_workload.glm import GlmModel, Attention, _SDPA, _GQA_SDPA
from autoglm_workload.presets import PRESETS, GlmConfig
from autoglm_workload.serve_prompt import image_tokens as served_image_tokens

TOOLS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools")
sys.path.insert(0, os.path.abspath(TOOLS))
import glm_reference  # noqa: E402
import image_tokens as tool_image_tokens  # noqa: E402

CPU = torch.device("cpu")
PATHS = ["matmul"] + (["sdpa"] if _SDPA is not None else [])


def model(name, max_len=256, seed=0, cfg=None):
    torch.manual_seed(seed)
    m = GlmModel(cfg or PRESETS[name], CPU, torch.float32, max_len).eval()
    with torch.no_grad():
        # norms away from 1 so that a missing or misplaced norm shows in the logits
        for n, p in m.named_parameters():
            if p.dim() == 1:
                p.copy_(1 + 0.3 * torch.randn_like(p))
    return m


def use_path(m, path):
    for module in m.modules():
        if isinstance(module, Attention):
            module.path = path


def cfg_dict(cfg):
    d = dataclasses.asdict(cfg)
    return d


def reference(m, keys, images=None, grid=None):
    """Reference logits of every position of one sequence of keys (negative: image tokens)."""
    ids = [k if k >= 0 else -1 for k in keys]
    weights = dict(m.state_dict())
    return glm_reference.forward(cfg_dict(m.cfg), weights, ids, images, grid)


class ReferenceTest(unittest.TestCase):
    def test_glm_tiny_batched_padded_and_cached_gives_the_reference_logits(self):
        for path in PATHS:
            with self.subTest(attention=path, torch=torch.__version__):
                m = model("glm-tiny")
                use_path(m, path)
                g = torch.Generator().manual_seed(3)
                rows = [torch.randint(16, 400, (n,), generator=g).tolist() for n in (9, 14)]
                width = 14
                ids = torch.zeros((2, width), dtype=torch.long)
                valid = torch.zeros((2, width), dtype=torch.bool)
                for i, r in enumerate(rows):
                    ids[i, width - len(r):] = torch.tensor(r)
                    valid[i, width - len(r):] = True
                for dec in (EagerDecoder(m, torch.float32),
                            StaticDecoder(m, torch.float32, 2, 64, CPU, "eager", None)):
                    seqs = [list(r) for r in rows]
                    with torch.no_grad():
                        logits = dec.prefill(ids, valid)
                        for step in range(5):
                            for i in range(2):
                                want = reference(m, seqs[i])[-1]
                                torch.testing.assert_close(logits[i].double(), want, rtol=1e-4, atol=1e-4)
                            nxt = logits.argmax(-1)
                            for i in range(2):
                                seqs[i].append(int(nxt[i]))
                            logits = dec.step(nxt)

    def test_the_phone_preset_with_an_image_and_a_reused_prefix_gives_the_reference_logits(self):
        for path in PATHS:
            with self.subTest(attention=path, torch=torch.__version__):
                m = model("autoglm-phone-tiny")
                use_path(m, path)
                v = m.cfg.vision
                grid = (8, 12)                       # patches: 4 x 6 merged image tokens
                vocab = m.cfg.vocab
                g = torch.Generator().manual_seed(5)
                system = torch.randint(16, 400, (7,), generator=g).tolist()
                text1 = torch.randint(16, 400, (5,), generator=g).tolist()
                img1 = prompts.Image(-1, grid[0] // v.merge, grid[1] // v.merge)
                q1 = prompts.agent_prompt(system, text1, img1, vocab)
                patches1 = torch.randn((1, grid[0] * grid[1], v.patch_values()), generator=g)
                dec = EagerDecoder(m, torch.float32)
                with torch.no_grad():
                    logits, answer = self.run_turn(m, dec, q1, [], {img1.key: img1}, patches1, grid, None, 0)
                want = reference(m, q1, [patches1[0]], grid)[-1]
                torch.testing.assert_close(logits[0].double(), want, rtol=1e-4, atol=1e-4)
                # the next step: the first image dropped from the history, a new one; the shared prefix reused
                keys1 = q1 + answer[:-1]
                kept = dec.row(0)
                history = prompts.agent_history(system, text1, answer, vocab)
                text2 = torch.randint(16, 400, (6,), generator=g).tolist()
                img2 = prompts.Image(-2, img1.rows, img1.cols)
                q2 = prompts.agent_prompt(history, text2, img2, vocab)
                shared = prompts.shared_prefix(keys1, q2)
                self.assertEqual(len(system) + 1, shared, "the prefix ends at the first step's <|user|>")
                patches2 = torch.randn((1, grid[0] * grid[1], v.patch_values()), generator=g)
                past = Past([k[None, :, :shared] for k in kept[0]], [x[None, :, :shared] for x in kept[1]],
                            torch.ones((1, shared), dtype=torch.bool))
                dec2 = EagerDecoder(m, torch.float32)
                with torch.no_grad():
                    logits2, _ = self.run_turn(m, dec2, q2, [], {img2.key: img2}, patches2, grid, past, shared)
                want2 = reference(m, q2, [patches2[0]], grid)[-1]
                torch.testing.assert_close(logits2[0].double(), want2, rtol=1e-4, atol=1e-4)

    @staticmethod
    def run_turn(m, dec, keys, _unused, images, patches, grid, past, shared):
        """Prefills keys[shared:] (one row) with its image, then decodes 3 tokens greedily; the first logits and
        the answer."""
        vocab = m.cfg.vocab
        tail = keys[shared:]
        ids = torch.tensor([prompts.ids_of(tail, vocab)])
        valid = torch.ones_like(ids, dtype=torch.bool)
        pos = prompts.positions_of(keys, images, True)[:, shared:].unsqueeze(1)
        where = torch.tensor([[k < 0 for k in tail]])
        emb = m.visual(patches, *grid)
        logits = dec.prefill(ids, valid, pos, (emb, where), past)
        first = logits
        answer = []
        for _ in range(3):
            t = logits.argmax(-1)
            answer.append(int(t[0]))
            logits = dec.step(t)
        return first, answer

    def test_both_attention_paths_agree(self):
        if _SDPA is None:
            self.skipTest(f"torch {torch.__version__} has no scaled_dot_product_attention: only the matmul path runs")
        m = model("glm-tiny")
        ids = torch.randint(16, 400, (2, 11), generator=torch.Generator().manual_seed(1))
        valid = torch.ones_like(ids, dtype=torch.bool)
        out = {}
        for path in ("matmul", "sdpa"):
            use_path(m, path)
            dec = EagerDecoder(m, torch.float32)
            with torch.no_grad():
                a = dec.prefill(ids, valid)
                b = dec.step(a.argmax(-1))
            out[path] = (a, b)
        torch.testing.assert_close(out["matmul"][0], out["sdpa"][0], rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(out["matmul"][1], out["sdpa"][1], rtol=1e-4, atol=1e-5)
        print(f"attention paths compared on torch {torch.__version__} (SDPA enable_gqa: {_GQA_SDPA})",
              file=sys.stderr)


class BeamTest(unittest.TestCase):
    def test_beam_search_as_wide_as_the_tree_finds_the_exhaustive_best(self):
        """Vocabulary 6, 3 tokens, 36 beams (6^2): beam search keeps every 2-token prefix, so its best scores must be
        the best log-probabilities over all 216 continuations, computed here by scoring each one from scratch."""
        from autoglm_workload.runner import Runner
        cfg = GlmConfig("beam-tiny", hidden=32, layers=2, heads=4, kv_heads=2, head_dim=8, intermediate=64, vocab=6)
        m = model(None, cfg=cfg, seed=11)
        with torch.no_grad():
            m.lm_head.weight.mul_(40)          # peaked distributions: a greedy path is not the best by accident
        prompt = [1, 4, 2, 5]
        beams, steps = 36, 3
        runner = Runner.__new__(Runner)
        ids = torch.tensor([prompt]).repeat_interleave(beams, 0)
        valid = torch.ones_like(ids, dtype=torch.bool)
        dec = EagerDecoder(m, torch.float32)
        with torch.no_grad():
            logits = dec.prefill(ids, valid)
            tokens, scores = Runner.select(runner, logits, None, 1, beams, dec, first=True)
            for _ in range(steps - 1):
                logits = dec.step(tokens)
                tokens, scores = Runner.select(runner, logits, scores, 1, beams, dec, first=False)
        exhaustive = []
        with torch.no_grad():
            for a in range(6):
                for b in range(6):
                    for c in range(6):
                        seq = prompt + [a, b, c]
                        lp = torch.log_softmax(reference(m, seq).float(), -1)
                        n = len(prompt)
                        exhaustive.append(float(lp[n - 1, a] + lp[n, b] + lp[n + 1, c]))
        exhaustive.sort(reverse=True)
        torch.testing.assert_close(scores[0].double(), torch.tensor(exhaustive[:beams], dtype=torch.float64),
                                   rtol=1e-4, atol=1e-4)
        # and a narrow beam is a lower bound that still beats greedy or ties it
        self.assertLessEqual(float(scores[0, 0]), exhaustive[0] + 1e-4)


class ImageTokenTest(unittest.TestCase):
    def test_the_processor_rule_matches_the_documented_formula_and_the_vision_tower(self):
        # the documented examples (docs/workload.md#images)
        self.assertEqual(3354, tool_image_tokens.tokens(1080, 2400))
        self.assertEqual(3108, tool_image_tokens.tokens(1080, 2400, max_pixels=5_000_000))
        rng = random.Random(2)
        for _ in range(300):
            w, h = rng.randint(28, 4000), rng.randint(28, 4000)
            if max(w, h) / min(w, h) > 200:
                continue
            mp = rng.choice([11_760_000, 5_000_000, 1_003_520, 200_704])
            self.assertEqual(tool_image_tokens.tokens(w, h, max_pixels=mp), served_image_tokens(h, w, max_pixels=mp),
                             f"{w}x{h} max_pixels {mp}")
        # the tower itself: (h/14)(w/14) patches come out as (h/28)(w/28) tokens
        m = model("autoglm-phone-tiny")
        for w, h in ((200, 100), (56, 300)):
            from autoglm_workload.serve_prompt import smart_resize
            hb, wb = smart_resize(h, w)
            patches = torch.randn((1, (hb // 14) * (wb // 14), m.cfg.vision.patch_values()))
            with torch.no_grad():
                out = m.visual(patches, hb // 14, wb // 14)
            self.assertEqual(tool_image_tokens.tokens(w, h), out.shape[0])


class PrefixCacheTest(unittest.TestCase):
    def test_the_prefix_cache_gives_the_same_outputs_with_less_prefill(self):
        """The agent scenario at toy size, two phones x three steps, batched: with prefix_cache=on every step's
        answer equals the one computed from scratch, and fewer prompt tokens are computed."""
        from autoglm_workload.knobs import resolve
        from autoglm_workload.runner import Runner
        from autoglm_workload.scenarios import SCENARIOS
        from autoglm_workload.requests import make_requests
        from autoglm_workload import pipeline

        answers, computed = {}, {}
        for on in ("off", "on"):
            k = resolve(SCENARIOS["agent"], ["requests=2", "batch=2", "turns=3", "system_len=20",
                                             "prompt_len=uniform:4-9", "output_len=uniform:3-6", "max_new_tokens=6",
                                             "max_pixels=40000", "action_ms=0", "prefix_cache=" + on])
            m = model("autoglm-phone-tiny", max_len=1024)
            events = Sink()
            runner = Runner(m, CPU, torch.float32, k, events, 1024)
            reqs = make_requests(k, 2, 0, random.Random(0))
            src = pipeline.Source([(reqs, t) for t in range(3)], k, torch.Generator().manual_seed(0), m.cfg.vocab,
                                  (runner.grid[0] * runner.grid[1], m.cfg.vision.patch_values()))
            convs = {}
            seen = []
            for turn in range(3):
                item, wait = src.next()
                runner.run_batch(item, wait, convs, turn, 0, True, None)
                seen.append([list(convs[r.id].history) for r in reqs])
            answers[on] = seen
            computed[on] = sum(e["real_tokens"] for e in events.events if e.get("phase") == "prefill")
        self.assertEqual(answers["off"], answers["on"])
        self.assertLess(computed["on"], computed["off"])


class Sink:
    def __init__(self):
        self.events = []

    def emit(self, kind, **fields):
        fields["event"] = kind
        self.events.append(fields)


if __name__ == "__main__":
    unittest.main()
