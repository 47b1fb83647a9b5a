"""Named scenarios: knob sets that show one bottleneck each (docs/workload.md#scenarios).

Explicit knobs given with the scenario override its values.
"""

SCENARIOS = {
    # batch-1 decode, eager: the launch-bound baseline of the catalogue
    "decode": dict(batch="1", requests="4", prompt_len="128", max_new_tokens="128"),
    # a batch of prompts of very different lengths, padded to a fixed maximum: padding waste
    "mixed-lengths": dict(batch="8", requests="32", prompt_len="mixed:96,1536,0.2", padding="max",
                          max_length="2048", max_new_tokens="16"),
    # float32 with TF32 off: matmuls on CUDA cores
    "fp32": dict(dtype="fp32", tf32="off", batch="4", requests="8", prompt_len="512", max_new_tokens="8"),
    # slow CPU pre-processing inline in the loop: the GPU waits for its input
    "slow-input": dict(batch="4", requests="16", prompt_len="256", max_new_tokens="4", preprocess_ms="40",
                       pipeline="inline"),
    # a conversation whose whole history is re-sent every turn
    "multi-turn": dict(batch="1", requests="2", turns="6", prompt_len="256", max_new_tokens="32"),
    # beam search where greedy would do
    "beams": dict(batch="1", requests="4", prompt_len="128", max_new_tokens="32", num_beams="4"),
    # Open-AutoGLM's phone agent: 4 phones at once x 6 steps; each step sends the system prompt (Open-AutoGLM's
    # English one is 2,405 characters, about 600 tokens), the text history, one new 1080x2400 screenshot (earlier
    # ones dropped) and the screen info; the model thinks and answers (120-250 tokens); the phone acts for 1 s
    "agent": dict(batch="4", requests="4", turns="6", system_len="600", prompt_len="uniform:20-60",
                  output_len="uniform:120-250", max_new_tokens="256", image="1080x2400", action_ms="1000"),
    # one request at a time while others queue
    "one-at-a-time": dict(batch="1", requests="16", prompt_len="128", max_new_tokens="16"),
}
