"""Shape presets of the GLM architecture: the model is built from these with random weights (no download)."""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class GlmConfig:
    name: str
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    intermediate: int
    vocab: int
    partial_rotary: float = 0.5
    rope_theta: float = 10000.0
    rms_eps: float = 1.5625e-07
    attention_bias: bool = True
    max_positions: int = 131072

    def with_layers(self, layers):
        return replace(self, layers=layers)

    def params(self):
        """Parameter count: embedding, per layer (qkv with bias, o, gate_up, down, two norms), final norm, lm head."""
        q = self.heads * self.head_dim
        kv = self.kv_heads * self.head_dim
        attn = self.hidden * (q + 2 * kv) + (q + 2 * kv if self.attention_bias else 0) + q * self.hidden
        mlp = self.hidden * 2 * self.intermediate + self.intermediate * self.hidden
        layer = attn + mlp + 2 * self.hidden
        return self.vocab * self.hidden * 2 + self.layers * layer + self.hidden

    def kv_bytes_per_token(self, dtype_bytes):
        """Bytes of KV cache one token holds across all layers."""
        return 2 * self.layers * self.kv_heads * self.head_dim * dtype_bytes


# GLM-4-9B (THUDM/glm-4-9b-chat-hf config.json): 40 layers, hidden 4096, 32 heads, 2 KV heads, MLP 13696
PRESETS = {
    "glm-4-9b": GlmConfig("glm-4-9b", hidden=4096, layers=40, heads=32, kv_heads=2, head_dim=128,
                          intermediate=13696, vocab=151552),
    # the same architecture at toy size, for CPU tests: every code path, a few milliseconds per step
    "glm-tiny": GlmConfig("glm-tiny", hidden=64, layers=2, heads=4, kv_heads=2, head_dim=16,
                          intermediate=128, vocab=512, max_positions=8192),
}
