"""The autoglm workload: a GLM-architecture model driven through documented knobs, reporting JSON-line events.

`autoglm profile --model ...` starts it as `python3 -m autoglm_workload`; it also runs on its own.
docs/workload.md documents the knobs and the events.
"""

VERSION = "0.1.0"
# version of the event stream (docs/workload.md#events); bump on incompatible changes
SCHEMA = 1
