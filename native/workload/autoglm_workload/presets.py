"""Shape presets of the GLM architecture: the model is built from these with random weights (no download)."""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class VisionConfig:
    """GLM-4.1V's vision tower (transformers' Glm4vVisionConfig): patches of patch x patch pixels over `temporal`
    frames, `depth` blocks of width `hidden`, then 2x2 patches merged into one token of the text model's width."""
    depth: int
    hidden: int
    heads: int
    mlp: int                # the blocks' SwiGLU width (Glm4VisionMlp: the tower's out_hidden_size)
    merger: int             # the patch merger's SwiGLU width (the vision config's intermediate_size)
    patch: int = 14
    temporal: int = 2
    merge: int = 2
    channels: int = 3
    image_size: int = 336   # the learned position table covers (image_size / patch)^2 patches
    rms_eps: float = 1e-05
    attention_bias: bool = False

    def params(self, out_hidden):
        """Patch embedding (a Conv3d with bias), its norm, the position table, blocks (2 norms, qkv, proj, gate,
        up, down), the last norm, the 2x2 downsample (a Conv2d with bias) and the merger (proj, LayerNorm, gate,
        up, down)."""
        h = self.hidden
        patch = self.channels * self.temporal * self.patch * self.patch * h + h
        positions = (self.image_size // self.patch) ** 2 * h
        block = 2 * h + h * 3 * h + (3 * h if self.attention_bias else 0) + h * h + 3 * h * self.mlp
        downsample = h * out_hidden * self.merge * self.merge + out_hidden
        merger = out_hidden * out_hidden + 2 * out_hidden + 3 * out_hidden * self.merger
        return patch + h + positions + self.depth * block + h + downsample + merger

    def patch_values(self):
        """Numbers in one flattened patch: channels x temporal frames x patch x patch."""
        return self.channels * self.temporal * self.patch * self.patch


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
    post_norms: bool = False          # GLM-4.1V: post_self_attn_layernorm and post_mlp_layernorm in every layer
    mrope_section: tuple = None       # GLM-4.1V: multimodal rotary sections (temporal, height, width)
    vision: VisionConfig = None

    def with_layers(self, layers):
        return replace(self, layers=layers)

    def params(self):
        """Parameter count: embedding, per layer (qkv with bias, o, gate_up, down, two norms), final norm, lm head."""
        q = self.heads * self.head_dim
        kv = self.kv_heads * self.head_dim
        attn = self.hidden * (q + 2 * kv) + (q + 2 * kv if self.attention_bias else 0) + q * self.hidden
        mlp = self.hidden * 2 * self.intermediate + self.intermediate * self.hidden
        layer = attn + mlp + (4 if self.post_norms else 2) * self.hidden
        text = self.vocab * self.hidden * 2 + self.layers * layer + self.hidden
        return text + (self.vision.params(self.hidden) if self.vision else 0)

    def vision_params(self):
        return self.vision.params(self.hidden) if self.vision else 0

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
    # AutoGLM-Phone-9B is GLM-4.1V-9B-Thinking (zai-org/AutoGLM-Phone-9B config.json, transformers' Glm4vConfig):
    # GLM-4-9B's widths with four norms per layer, M-RoPE over half of each head, and a vision tower of 24 blocks
    # of width 1536 (12 heads), patch 14, two frames per patch, 2x2 merge into one 4096-wide token
    "autoglm-phone-9b": GlmConfig("autoglm-phone-9b", hidden=4096, layers=40, heads=32, kv_heads=2, head_dim=128,
                                  intermediate=13696, vocab=151552, rms_eps=1e-05, max_positions=65536,
                                  post_norms=True, mrope_section=(8, 12, 12),
                                  vision=VisionConfig(depth=24, hidden=1536, heads=12, mlp=4096, merger=13696)),
    # the same architecture at toy size, for CPU tests
    "autoglm-phone-tiny": GlmConfig("autoglm-phone-tiny", hidden=64, layers=2, heads=4, kv_heads=2, head_dim=16,
                                    intermediate=128, vocab=512, rms_eps=1e-05, max_positions=16384,
                                    post_norms=True, mrope_section=(1, 1, 2),
                                    vision=VisionConfig(depth=2, hidden=32, heads=2, mlp=64, merger=96,
                                                        image_size=56)),
}
