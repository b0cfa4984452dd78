"""Run the script's training loop one step at a time, timing and recording each step.

A step is the loop body, cut in three at the statement that calls `.backward()`:
forward (before it), backward (it), update (after it). The loop variable comes from the
loop's own iterable, evaluated once, so `for step in range(num_steps)` behaves as written.

What a step record says is read through the roles (roles.py), never through fixed names:
the document and its tokens from the loop's own variables, the number of positions from its
position loop, the loss from what `.backward()` was called on (the sum, when the script calls
it once per position), the per-position losses, the learning rate of the schedule, and the
parameters and Adam's moments from the update loop.

A step that raises is rolled back: params data and grads, Adam's m and v and the random
state go back to how they were, the step count does not move, and the same loop item is
tried again on the next call. The model is never left half-updated.
"""

import ast
import copy
import random
import time

from . import params as params_mod
from . import program
from .errors import ScriptShapeError
from .forward import recording_receivers

_NOTHING = object()


class Trainer:
    def __init__(self, runner, roles):
        parts = runner.program.train
        if parts is None:
            raise ScriptShapeError(
                "no training loop (a top-level `for` whose body calls `.backward()`)"
            )
        self.runner = runner
        self.roles = roles
        self._bind = runner.compile_bind(parts.node.target)
        self._iterable = runner.compile_expr(parts.node.iter)
        self._forward = runner.compile_loop_body(parts.before)
        self._backward = runner.compile_loop_body([parts.inner])
        self._update = runner.compile_loop_body(parts.after)
        tok = roles.tokenizer
        self._positions = tok.positions if tok is not None else None
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

    def length(self):
        """How many steps the loop has (len of its iterable), or None if it cannot say."""
        try:
            return len(eval(self._iterable, self.runner.ns))
        except Exception:  # an iterable without a length: a generator, say
            return None

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

    def steps(self, count=1, with_params=False, watch=()):
        records = []
        for _ in range(count):
            record = self.step(with_params, watch)
            if record is None:
                break
            records.append(record)
        return records

    def step(self, with_params=False, watch=()):
        """One training step; None once the loop's iterable is used up.

        `watch`: parameter indices whose update the record spells out (see `_replay`)."""
        ns = self.runner.ns
        run = self.runner.exec_code
        with self.runner.running("train"):
            item = self._next_item()
        if item is _NOTHING:
            self.finished = True
            return None
        roles = self.roles
        params, nodes = roles.params, roles.nodes
        t_obs = time.perf_counter()
        saved = params_mod.snapshot(params, nodes, ns) if params is not None else None
        rng = random.getstate()
        receivers = []
        t_observe = time.perf_counter() - t_obs
        grad = None
        try:
            with self.runner.running("train"), recording_receivers(nodes, receivers):
                self.runner.bind(self._bind, item)
                t0 = time.perf_counter()
                flow = run(self._forward)
                t1 = time.perf_counter()
                if flow == "done":
                    flow = run(self._backward)
                t2 = time.perf_counter()
                if with_params and params is not None:
                    # Now, before the update zeroes them, is the only moment grads exist.
                    grad = params_mod.grads(params, nodes)
                before = self._before_update(watch) if watch and params is not None else None
                t3 = time.perf_counter()
                if flow == "done":
                    flow = run(self._update)
                t4 = time.perf_counter()
        except BaseException:
            if saved is not None:
                params_mod.restore(params, nodes, ns, saved)
            random.setstate(rng)
            self._retry = item
            raise
        if receivers:
            # The previous step's graph (tens of thousands of Values) is freed here, where the
            # trainer lets go of it: the script's own cost, not the bridge's observing.
            self.last_loss = receivers[-1]
        t_obs = time.perf_counter()
        self.steps_done += 1
        if flow == "break":  # the script's own loop would stop here
            self.finished = True
            self._items = iter(())
        record = self._record(ns, receivers)
        if flow != "done":  # the body hit `continue` or `break`: later parts did not run
            record["flow"] = flow
        record.update(t_forward=t1 - t0, t_backward=t2 - t1, t_update=t4 - t3)
        if with_params and params is not None:
            record.update(
                data=params_mod.data(params, nodes),
                grad=grad,
                m=params_mod.moment(params, ns, 0),
                v=params_mod.moment(params, ns, 1),
            )
        if before is not None:
            record["update"] = self._replay(before)
        # Time the bridge spent looking rather than running the script's own code.
        record["t_observe"] = t_observe + (t3 - t2) + (time.perf_counter() - t_obs)
        return record

    def _before_update(self, watch):
        """The watched parameters (copies) and their moments, as the update will find them."""
        params, ns = self.roles.params, self.runner.ns
        out = []
        for i in watch:
            i = int(i)
            if 0 <= i < len(params.nodes_list):
                out.append((i, copy.copy(params.nodes_list[i]),
                            {name: ns[name][i] for name in params.moments}))
        return out

    def _replay(self, before):
        """The update loop's body run again for each watched parameter, on copies, from the state
        it had before this step's update: every name it binds (m_hat, v_hat...) and what it left
        in the parameter and the moments. The script's own lines compute every number shown."""
        roles = self.roles
        params, nodes, ns = roles.params, roles.nodes, self.runner.ns
        loop = params.loop
        if getattr(self, "_update_code", None) is None:
            self._update_code = self.runner.compile_loop_body(loop.body)
            self._update_bind = self.runner.compile_bind(loop.target)
            self._update_items = self.runner.compile_expr(loop.iter)
            target = program.stored_names(ast.Assign(targets=[loop.target], value=ast.Constant(0)))
            self._update_names = [n for s in loop.body for n in sorted(program.stored_names(s))
                                  if n not in target and n not in params.moments]
        items = list(eval(self._update_items, ns))
        rows = []
        for i, node, moments in before:
            scratch = dict(ns)
            for name, value in moments.items():
                scratch[name] = list(ns[name])
                scratch[name][i] = value
            item = items[i]
            parts = item if isinstance(item, tuple) else (item,)
            parts = tuple(node if nodes.is_node(x) else x for x in parts)
            scratch["__bridge_item__"] = parts if isinstance(item, tuple) else parts[0]
            row = {"index": i, "grad": _number(nodes.grad_of(node), None),
                   "before": {"data": nodes.value(node), **moments}}
            try:
                exec(self._update_bind, scratch)
                with self.runner.running("train", quiet=True):
                    exec(self._update_code, scratch)
            except Exception as exc:  # the replay is a view; the real update already ran
                row["error"] = f"{type(exc).__name__}: {exc}"
                rows.append(row)
                continue
            values = {k: _number(scratch.get(k), nodes) for k in self._update_names}
            row["locals"] = {k: v for k, v in values.items() if v is not None}
            row["after"] = {"data": nodes.value(node),
                            **{name: _number(scratch[name][i], nodes) for name in moments}}
            rows.append(row)
        return {"lines": [loop.body[0].lineno, loop.body[-1].end_lineno], "rows": rows,
                "moments": list(params.moments)}

    def _record(self, ns, receivers):
        roles = self.roles
        nodes = roles.nodes
        record = {"step": self.steps_done}
        doc = ns.get(roles.doc_var) if roles.doc_var else None
        if isinstance(doc, str):
            record["doc"] = doc
        tokens = ns.get(roles.tokenizer.tokens_var) if roles.tokenizer else None
        if isinstance(tokens, list) and all(type(t) is int for t in tokens):
            record["tokens"] = list(tokens)
        if self._positions is not None:
            try:
                record["n"] = len(eval(self._positions, ns))
            except Exception:  # a position loop over something without a length
                pass
        if roles.schedule is not None:
            value = ns.get(roles.schedule.var)
            if isinstance(value, int | float):
                record["lr_t"] = value
        values = [_number(r, nodes) for r in receivers]
        record["loss"] = sum(values) if receivers and None not in values else None
        if roles.per_position_backward:
            record["losses"] = values
        elif roles.losses_var and isinstance(ns.get(roles.losses_var), list):
            record["losses"] = [_number(x, nodes) for x in ns[roles.losses_var]]
        return record


def _number(x, nodes):
    """A node's data, or a plain number as is; None for anything else."""
    if nodes is not None and nodes.is_node(x):
        x = nodes.value(x)
    if isinstance(x, int | float) and not isinstance(x, bool):
        return float(x)
    return None
