"""The GLM code against itself by independent routes: a KV cache must give the logits of recomputing the
whole sequence; a static cache those of a dynamic one; left padding must not change a prompt's logits;
the parameter formula must count what the modules hold. Run: python3 -m unittest discover native/workload/tests"""

import unittest

import torch

from autoglm_workload.decoders import EagerDecoder, RecomputeDecoder, StaticDecoder
from autoglm_workload.glm import GlmModel
from autoglm_workload.presets import PRESETS


def tiny(max_len=64):
    torch.manual_seed(0)
    return GlmModel(PRESETS["glm-tiny"], torch.device("cpu"), torch.float32, max_len).eval()


def batch(lengths, width, vocab, seed=1):
    g = torch.Generator().manual_seed(seed)
    ids = torch.zeros((len(lengths), width), dtype=torch.long)
    valid = torch.zeros((len(lengths), width), dtype=torch.bool)
    for i, n in enumerate(lengths):
        ids[i, width - n:] = torch.randint(1, vocab, (n,), generator=g)
        valid[i, width - n:] = True
    return ids, valid


def greedy(decoder, ids, valid, steps):
    with torch.no_grad():
        logits = [decoder.prefill(ids, valid)]
        for _ in range(steps):
            logits.append(decoder.step(logits[-1].argmax(-1)))
    return torch.stack(logits, 1)


class ModelTest(unittest.TestCase):
    def test_kv_cache_gives_the_logits_of_recomputing(self):
        m = tiny()
        ids, valid = batch([7, 12], 12, m.cfg.vocab)
        cached = greedy(EagerDecoder(m, torch.float32), ids, valid, 6)
        recomputed = greedy(RecomputeDecoder(m, torch.float32), ids, valid, 6)
        torch.testing.assert_close(cached, recomputed, rtol=1e-4, atol=1e-5)

    def test_static_cache_gives_the_logits_of_the_dynamic_one(self):
        m = tiny()
        ids, valid = batch([5, 9, 3], 9, m.cfg.vocab)
        dynamic = greedy(EagerDecoder(m, torch.float32), ids, valid, 5)
        static = greedy(StaticDecoder(m, torch.float32, 3, 32, torch.device("cpu"), "eager", None), ids, valid, 5)
        torch.testing.assert_close(dynamic, static, rtol=1e-4, atol=1e-5)

    def test_left_padding_does_not_change_a_prompt(self):
        m = tiny()
        ids, valid = batch([6, 11], 11, m.cfg.vocab)
        together = greedy(EagerDecoder(m, torch.float32), ids, valid, 3)[0]
        alone = greedy(EagerDecoder(m, torch.float32), ids[:1, 5:], valid[:1, 5:], 3)[0]
        torch.testing.assert_close(together, alone, rtol=1e-4, atol=1e-5)

    def test_parameter_formula_counts_the_modules(self):
        for name in ("glm-tiny", "glm-4-9b"):
            cfg = PRESETS[name]
            m = GlmModel(cfg, torch.device("meta"), torch.bfloat16, 16)
            self.assertEqual(cfg.params(), sum(p.numel() for p in m.parameters()), name)

    def test_glm_4_9b_shapes(self):
        cfg = PRESETS["glm-4-9b"]
        # 40 layers x (qkv 4096 x 4608 + bias, o 4096 x 4096, gate_up 4096 x 27392, down 13696 x 4096, 2 norms)
        # + embedding and lm_head 151552 x 4096 + final norm: 9.40e9 parameters, 18.8 GB in bf16
        self.assertEqual(9_399_951_360, cfg.params())
        self.assertEqual(2 * 40 * 2 * 128 * 2, cfg.kv_bytes_per_token(2))


if __name__ == "__main__":
    unittest.main()
