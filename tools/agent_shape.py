#!/usr/bin/env python3
"""The shape of Open-AutoGLM's requests, read from its own files (the reference copy in ../shared/peers/open-autoglm),
for the agent workload's test (docs/load.md#agent): the roles and content-part types of its real first request
(scripts/sample_messages_en.json), how its image is encoded, the system prompt after its date line, and the
sampling fields of its client's ModelConfig (phone_agent/model/client.py).

    python3 tools/agent_shape.py ../shared/peers/open-autoglm > testdata/expected/agent-shape.json
"""
import base64
import json
import re
import sys


def part_shape(part):
    if part.get("type") == "image_url":
        url = part["image_url"]["url"]
        prefix, _, payload = url.partition(",")
        head = base64.b64decode(payload[:32])
        return {"type": "image_url", "url_prefix": prefix + ",", "png_signature": head[:8] == b"\x89PNG\r\n\x1a\n"}
    return {"type": part.get("type")}


def main(root):
    sample = json.load(open(root + "/scripts/sample_messages_en.json", encoding="utf-8"))
    shape = []
    for m in sample:
        content = m["content"]
        shape.append({"role": m["role"], "content": "text" if isinstance(content, str)
                      else [part_shape(p) for p in content]})
    system = sample[0]["content"]
    first, _, body = system.partition("\n")
    client = open(root + "/phone_agent/model/client.py", encoding="utf-8").read()
    sampling = {}
    for name in ("max_tokens", "temperature", "top_p", "frequency_penalty"):
        sampling[name] = float(re.search(r"\b" + name + r":\s*\w+\s*=\s*([0-9.]+)", client).group(1))
    json.dump({"messages": shape, "system_first_line_prefix": first[:len("The current date: ")],
               "system_prompt_body": body, "sampling": sampling,
               "stream": "stream=True" in client}, sys.stdout, indent=2, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
