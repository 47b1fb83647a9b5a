"""python3 -m autoglm_workload --model glm-tiny [--scenario NAME] [--knob NAME=VALUE ...] [--events FILE]

Exit codes: 0 served every request; 1 the workload failed (an error event says why); 2 bad arguments or
environment (one line); 3 the model does not fit in device memory (a fit event has the numbers);
130 / 143 interrupted by SIGINT / SIGTERM (an end event with status interrupted)."""

import argparse
import json
import os
import platform
import signal
import sys
import time
import traceback

from . import SCHEMA, VERSION
from .knobs import KnobError, describe, resolve
from .presets import PRESETS
from .scenarios import SCENARIOS


class Interrupted(BaseException):
    def __init__(self, signum):
        self.signum = signum


def parse(argv):
    p = argparse.ArgumentParser(prog="autoglm_workload", description=__doc__.split("\n")[0])
    p.add_argument("--model", help="a preset (" + ", ".join(PRESETS) + ") or a local Hugging Face checkpoint folder")
    p.add_argument("--scenario", help="named knob set: " + ", ".join(SCENARIOS))
    p.add_argument("--knob", action="append", default=[], metavar="NAME=VALUE", help="set a knob (repeatable)")
    p.add_argument("--events", default=None,
                   help="where the JSON-line events go (default: $AUTOGLM_RUN_DIR/events.jsonl under autoglm, "
                        "else standard output)")
    p.add_argument("--bandwidth-cache", default=None, metavar="FILE",
                   help="JSON file of measured bandwidths by device name: read, and written after a measurement")
    p.add_argument("--describe", action="store_true", help="print the knobs, scenarios and presets as JSON and exit")
    p.add_argument("--check", action="store_true",
                   help="check that this machine can run the model with these knobs, start nothing, and exit 0 (or 2 "
                        "with one line why not)")
    return p.parse_args(argv)


def fail(message, code=2):
    print("autoglm-workload: " + message, file=sys.stderr)
    return code


def main(argv):
    args = parse(argv)
    if args.describe:
        print(json.dumps(dict(version=VERSION, schema=SCHEMA, knobs=describe(), scenarios=SCENARIOS,
                              presets=sorted(PRESETS))))
        return 0
    if not args.model:
        return fail("--model is required: a preset (" + ", ".join(PRESETS) + ") or a checkpoint folder")
    if args.scenario and args.scenario not in SCENARIOS:
        return fail(f"unknown scenario {args.scenario!r}: known are {', '.join(SCENARIOS)}")
    try:
        knobs = resolve(SCENARIOS.get(args.scenario, {}), args.knob)
    except KnobError as e:
        return fail(str(e))
    try:
        import torch  # noqa: F401
    except ImportError:
        return fail(f"PyTorch is not installed for {sys.executable} (Debian: apt install python3-torch)")
    if args.check:
        try:
            from .session import check
            check(args, knobs)
        except SetupError as e:
            return fail(str(e))
        return 0
    from .events import Events
    if args.events is None:
        run_dir = os.environ.get("AUTOGLM_RUN_DIR")
        args.events = os.path.join(run_dir, "events.jsonl") if run_dir else "-"
    try:
        events = Events(args.events)
    except OSError as e:
        return fail(f"--events {args.events}: {e.strerror}")

    def on_term(signum, frame):
        raise Interrupted(signum)

    signal.signal(signal.SIGTERM, on_term)
    start = time.perf_counter()
    try:
        from .session import run
        return run(args, knobs, events, start)
    except Interrupted as e:
        events.emit("end", status="interrupted", signal=signal.Signals(e.signum).name,
                    wall_ms=round((time.perf_counter() - start) * 1000.0, 3))
        return 128 + e.signum
    except KeyboardInterrupt:
        events.emit("end", status="interrupted", signal="SIGINT",
                    wall_ms=round((time.perf_counter() - start) * 1000.0, 3))
        return 130
    except SetupError as e:
        events.emit("error", message=str(e), where="setup")
        return fail(str(e))
    except Exception as e:
        message = f"{type(e).__name__}: {e}".splitlines()[0]
        events.emit("error", message=message, where="run")
        traceback.print_exc()
        return fail("failed: " + message, 1)
    finally:
        events.close()


class SetupError(Exception):
    """The environment cannot run these knobs (no CUDA, torch too old for compile): one line, exit 2."""


def environment():
    import torch
    return dict(python=platform.python_version(), torch=torch.__version__, pid=os.getpid(),
                cuda=torch.version.cuda, host=platform.node())
