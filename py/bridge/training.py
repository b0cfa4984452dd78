"""Run the script's training loop one step at a time, timing and recording each step.

A step is the loop body, cut in three at the statement that calls `.backward()`:
forward (before it), backward (it), update (after it). The loop variable comes from the
loop's own iterable, evaluated once, so `for step in range(num_steps)` behaves as written.

A step that raises is rolled back: params data and grads, Adam's m and v and the random
state go back to how they were, the step count does not move, and the same loop item is
tried again on the next call. The model is never left half-updated.
"""

import random
import time

from . import model
from .errors import ScriptShapeError

_NOTHING = object()


class Trainer:
    def __init__(self, runner):
        parts = runner.shape.train
        if parts is None:
            raise ScriptShapeError(
                "no training loop (a top-level `for` whose body calls `.backward()`)"
            )
        self.runner = runner
        self._bind = runner.compile_bind(parts.node.target)
        self._iterable = runner.compile_expr(parts.node.iter)
        self._forward = runner.compile_loop_body(parts.before)
        self._backward = runner.compile_loop_body([parts.inner])
        self._update = runner.compile_loop_body(parts.after)
        self._items = None
        self._retry = _NOTHING  # loop item of a failed step, to run again
        self.steps_done = 0
        self.finished = False
        self.last_loss = None  # the last good step's loss Value: root of the graph explorer

    def _next_item(self):
        if self._retry is not _NOTHING:
            item, self._retry = self._retry, _NOTHING
            return item
        if self._items is None:
            self._items = iter(eval(self._iterable, self.runner.ns))
        return next(self._items, _NOTHING)

    def seek(self, steps_done):
        """Start over from the loop's iterable and skip `steps_done` items (checkpoint import)."""
        with self.runner.running("train"):
            self._items = iter(eval(self._iterable, self.runner.ns))
            for _ in range(steps_done):
                next(self._items, None)
        self._retry = _NOTHING
        self.steps_done = steps_done
        self.finished = False
        self.last_loss = None

    def steps(self, count=1, with_params=False):
        records = []
        for _ in range(count):
            record = self.step(with_params)
            if record is None:
                break
            records.append(record)
        return records

    def step(self, with_params=False):
        """One training step; None once the loop's iterable is used up."""
        ns = self.runner.ns
        run = self.runner.exec_code
        with self.runner.running("train"):
            item = self._next_item()
        if item is _NOTHING:
            self.finished = True
            return None
        t_obs = time.perf_counter()
        saved = _snapshot_or_none(ns)
        rng = random.getstate()
        t_observe = time.perf_counter() - t_obs
        grad = None
        try:
            with self.runner.running("train"):
                self.runner.bind(self._bind, item)
                t0 = time.perf_counter()
                flow = run(self._forward)
                t1 = time.perf_counter()
                if flow == "done":
                    flow = run(self._backward)
                t2 = time.perf_counter()
                if with_params:
                    # Now, before the update zeroes them, is the only moment grads exist.
                    grad = model.grads(ns)
                t3 = time.perf_counter()
                if flow == "done":
                    flow = run(self._update)
                t4 = time.perf_counter()
        except BaseException:
            if saved is not None:
                model.restore(ns, saved)
            random.setstate(rng)
            self._retry = item
            raise
        t_obs = time.perf_counter()
        self.steps_done += 1
        if flow == "break":  # the script's own loop would stop here
            self.finished = True
            self._items = iter(())
        loss = ns.get("loss")
        if hasattr(loss, "_children"):
            self.last_loss = loss
        record = self._record(ns)
        if flow != "done":  # the body hit `continue` or `break`: later parts did not run
            record["flow"] = flow
        record.update(t_forward=t1 - t0, t_backward=t2 - t1, t_update=t4 - t3)
        if with_params:
            record.update(
                data=model.data(ns),
                grad=grad,
                m=model.adam_moment(ns, "m"),
                v=model.adam_moment(ns, "v"),
            )
        # Time the bridge spent looking rather than running the script's own code.
        record["t_observe"] = t_observe + (t3 - t2) + (time.perf_counter() - t_obs)
        return record

    def _record(self, ns):
        record = {"step": self.steps_done}
        doc = ns.get("doc")
        if isinstance(doc, str):
            record["doc"] = doc
        tokens = ns.get("tokens")
        if isinstance(tokens, list) and all(isinstance(t, int) for t in tokens):
            record["tokens"] = list(tokens)
        for name in ("n", "lr_t"):
            value = ns.get(name)
            if isinstance(value, int | float):
                record[name] = value
        record["loss"] = _number(ns.get("loss"))
        losses = ns.get("losses")
        if isinstance(losses, list):
            record["losses"] = [_number(x) for x in losses]
        return record


def _number(x):
    """A Value's data, or a plain number as is; None for anything else."""
    if hasattr(x, "data") and isinstance(x.data, int | float):
        return float(x.data)
    if isinstance(x, int | float):
        return float(x)
    return None


def _snapshot_or_none(ns):
    try:
        return model.snapshot(ns)
    except (ScriptShapeError, AttributeError, TypeError):
        return None  # an edited script without plain params: no rollback, still trains
