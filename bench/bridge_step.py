"""Cost of a training step through the bridge vs the same step of the plain script (medians).

    .venv/bin/python bench/bridge_step.py [--steps 20] [--rounds 3] [--quick]

Plain: microgpt.py compiled and run whole, exactly as `python microgpt.py` runs it, in a fresh
namespace of this same interpreter; a step's time is the gap between two of the script's own
"step N" prints (its stdout is replaced by a clock that stops the run after --steps).
Bridge: Session.handle("step", {"with_params": True}) timed around the whole call, so it
includes copying out grads, data, m and v and building the record.

Both do steps 2..N of the same seeded run, so each step has a twin doing the same work. Both
run in this process, so they share the interpreter and its memory state, and rounds alternate
plain and bridge: load on a shared machine then hits both alike. Wall time and CPU time are
both shown (CPU time is the steadier one where other jobs compete for the cores). Nothing is
asserted: the figure for bench/run.py is what the bridge adds to a step, the median of the
per-step twins' CPU-time ratio minus one (target <= 10 %).
"""

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "py" / "microgpt.py"
NAMES = ROOT / "py" / "data" / "names.txt"
sys.path.insert(0, str(ROOT / "py"))
from bridge.api import Session  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from common import figure, report  # noqa: E402

CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


class _Enough(Exception):
    """Raised from the plain run's stdout once it has printed enough steps."""


class _StepClock(io.TextIOBase):
    """The plain script prints `end='\\r'` once per step: note the time of each."""

    def __init__(self, steps):
        super().__init__()
        self.steps = steps
        self.stamps = []

    def writable(self):
        return True

    def write(self, text):
        if text == "\r":
            self.stamps.append({name: clock() for name, clock in CLOCKS.items()})
            if len(self.stamps) >= self.steps:
                raise _Enough
        return len(text)


def plain_step_times(steps):
    """{clock: {step: seconds}} for steps 2..steps of the whole script, run unobserved."""
    code = compile(SCRIPT.read_text(encoding="utf-8"), "microgpt.py", "exec")
    out = _StepClock(steps)
    old = os.getcwd()
    with tempfile.TemporaryDirectory() as work:
        Path(work, "input.txt").write_bytes(NAMES.read_bytes())
        os.chdir(work)
        try:
            with contextlib.redirect_stdout(out):
                exec(code, {"__name__": "__main__"})
        except _Enough:
            pass
        finally:
            os.chdir(old)
    marks = out.stamps
    return {
        name: {i + 2: marks[i + 1][name] - marks[i][name] for i in range(len(marks) - 1)}
        for name in CLOCKS
    }


def bridge_step_times(steps):
    """({clock: {step: seconds}}, [observation share]) for steps 2..steps through a Session."""
    with tempfile.TemporaryDirectory() as work:
        session = Session(workdir=work)
        args = {"source": SCRIPT.read_text(), "dataset": NAMES.read_text()}
        assert session.handle("load", args)["ok"]
        times = {name: {} for name in CLOCKS}
        share = []
        for step in range(1, steps + 1):
            start = {name: clock() for name, clock in CLOCKS.items()}
            reply = session.handle("step", {"with_params": True})
            wall = time.perf_counter() - start["wall"]
            times["cpu"][step] = time.process_time() - start["cpu"]
            times["wall"][step] = wall
            share.append(reply["result"][0]["t_observe"] / wall)
    return {name: {s: t for s, t in by.items() if s >= 2} for name, by in times.items()}, share[1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one round of 6 steps (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        args.steps, args.rounds = 6, 1
    plain = {name: [] for name in CLOCKS}
    bridge = {name: [] for name in CLOCKS}
    twins = {name: [] for name in CLOCKS}
    share = []
    for _ in range(args.rounds):
        p = plain_step_times(args.steps)
        b, s = bridge_step_times(args.steps)
        share += s
        for name in CLOCKS:
            plain[name] += p[name].values()
            bridge[name] += b[name].values()
            twins[name] += [b[name][k] / p[name][k] for k in p[name] if k in b[name]]
    print(f"python {sys.version.split()[0]}, steps 2..{args.steps}, {args.rounds} rounds")
    for name in CLOCKS:
        mp, mb = statistics.median(plain[name]), statistics.median(bridge[name])
        print(
            f"{name:4s}  plain step {1000 * mp:7.1f} ms | bridge step (with_params) "
            f"{1000 * mb:7.1f} ms | ratio {mb / mp:.3f} "
            f"(per-step twins: {statistics.median(twins[name]):.3f})"
        )
    print(f"observation share of a bridge step (t_observe / call): {statistics.median(share):.1%}")
    cpu, wall = statistics.median(twins["cpu"]) - 1, statistics.median(twins["wall"]) - 1
    report("bridge_step.py", [
        figure("bridge observation added per step (CPython)", 100 * cpu, 10, "<=", "%",
               f"CPU-time twins; wall {100 * wall:+.1f} %; t_observe share {statistics.median(share):.1%}; "
               f"step with_params vs plain script, steps 2..{args.steps} x {args.rounds} rounds"),
    ])


if __name__ == "__main__":
    main()
