"""Draw one sample by running the script's own sampling loop, one position at a time.

The sampling loop is the first top-level `for` after training; its first inner `for` walks
the positions. One call runs the outer body once: the statements before the position loop,
each position (recording the distribution, the token drawn and the argmax), then the
statements after it (the script's own `print`). The inference statements before the
sampling loop (e.g. `temperature = 0.5`) run once, on the first sample.

Temperature: the script's `temperature` is replaced in the namespace for the call and put
back afterwards, so the script's own code does the scaling.

Seed: with a seed, the global `random` state is saved, seeded, used and restored, so a seeded
sample is repeatable and leaves the script's random stream exactly where it was. Without a
seed the sample draws from the script's own stream, as the script would: twenty unseeded
samples after 1000 steps give the same names as `python microgpt.py`.
"""

import ast
import random
from array import array

from .errors import ScriptShapeError

_UNSET = object()


class Sampler:
    def __init__(self, runner):
        parts = runner.shape.sample
        if parts is None:
            raise ScriptShapeError(
                "no sampling loop (a top-level `for` after training, with a `for` inside)"
            )
        self.runner = runner
        self._prelude = runner.compile_block(runner.shape.sample_before)
        self._prelude_done = False
        self._outer_bind = runner.compile_bind(parts.node.target)
        self._outer_iterable = runner.compile_expr(parts.node.iter)
        self._outer_items = None
        self._before = runner.compile_loop_body(parts.before)
        position_loop = parts.inner
        self._pos_bind = runner.compile_bind(position_loop.target)
        self._pos_iterable = runner.compile_expr(position_loop.iter)
        self._pos_body = runner.compile_loop_body(position_loop.body)
        self._after = runner.compile_loop_body(parts.after)
        self._probs_name, self._token_name = _watched_names(position_loop.body)
        self.count = 0

    def sample(self, temperature=None, seed=None):
        ns = self.runner.ns
        run = self.runner.exec_code
        saved_temperature = ns.get("temperature", _UNSET)
        saved_random = random.getstate() if seed is not None else None
        steps = []
        try:
            with self.runner.running("sample"):
                if not self._prelude_done:
                    run(self._prelude)
                    self._prelude_done = True
                    saved_temperature = ns.get("temperature", _UNSET)
                if temperature is not None:
                    ns["temperature"] = float(temperature)
                if seed is not None:
                    random.seed(seed)
                if self._outer_items is None:
                    self._outer_items = list(eval(self._outer_iterable, ns))
                if self._outer_items:
                    # The outer loop variable counts the samples drawn, as in the script.
                    item = self._outer_items[self.count % len(self._outer_items)]
                    self.runner.bind(self._outer_bind, item)
                run(self._before)
                for position in eval(self._pos_iterable, ns):
                    self.runner.bind(self._pos_bind, position)
                    flow = run(self._pos_body)
                    steps.append(self._position_record(ns))
                    if flow == "break":
                        break
                run(self._after)
        finally:
            if saved_random is not None:
                random.setstate(saved_random)
            if temperature is not None:
                if saved_temperature is _UNSET:
                    ns.pop("temperature", None)
                else:
                    ns["temperature"] = saved_temperature
        self.count += 1
        return {"text": _text(ns, steps), "steps": steps}

    def _position_record(self, ns):
        probs = ns.get(self._probs_name)
        values = array("d", [float(getattr(p, "data", p)) for p in probs or []])
        token = ns.get(self._token_name)
        argmax = max(range(len(values)), key=values.__getitem__) if values else None
        token = token if isinstance(token, int) else None
        return {"probs": values, "token": token, "argmax": argmax}


def _watched_names(body):
    """The variables holding the distribution and the drawn token, read off the AST:
    the target of `... = softmax(...)` and of the assignment that calls `random.choices`."""
    probs_name, token_name = "probs", "token_id"
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if not (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)):
            continue
        calls = [c for c in ast.walk(node.value) if isinstance(c, ast.Call)]
        names = {getattr(c.func, "id", None) or getattr(c.func, "attr", None) for c in calls}
        if "softmax" in names:
            probs_name = node.targets[0].id
        elif names & {"choices", "choice", "sample"}:
            token_name = node.targets[0].id
    return probs_name, token_name


def _text(ns, steps):
    """The script's own `sample` list joined, else the drawn tokens spelled with `uchars`."""
    sample = ns.get("sample")
    if isinstance(sample, list) and all(isinstance(ch, str) for ch in sample):
        return "".join(sample)
    uchars = ns.get("uchars") or []
    tokens = [s["token"] for s in steps]
    return "".join(uchars[t] for t in tokens if t is not None and 0 <= t < len(uchars))
