"""The real loss graph of one training step, built without training the model.

The graph explorer (bridge/graph.py) needs a loss Value. Taking one from a real training step
would move the model, and the page must never train behind the reader's back. So `build` runs
the training loop's own body for a chosen step index, but only its forward part and its
`.backward()` statement (the very code objects the trainer runs, cut from the same AST), and
then puts everything back: params data and grads, Adam's m and v, the random state, and the
names the loop body bound in the script's namespace (`doc`, `loss`, the loop variable, ...).
The trainer's step count is never touched.

Two things are kept from the run: the loss Value (its graph of intermediate Values is private
to it, so their data and grads stay exactly what forward and backward left), and each
parameter's data and grad right after backward(). Parameters are shared with the model, so
their own `.grad` is reset; `expand` and `path` report the recorded numbers for them instead.

Before the forward pass the parameters' grads are set to zero, as the script's update loop
leaves them after every step, so the grads shown are those of this one loss.
"""

import ast
import collections
import random

from . import graph, model
from .errors import ScriptShapeError

_CURRENT = {}  # the last graph built: {"runner", "root", "params", "record"}


def _receiver(stmt):
    """The expression `.backward()` is called on, in the loop's backward statement."""
    for node in ast.walk(stmt):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "backward"):
            target = node.func.value
            if any(isinstance(n, ast.Call) for n in ast.walk(target)):
                raise ScriptShapeError(
                    "the training loop calls .backward() on the result of a call; the loss "
                    "graph explorer needs it called on a variable (loss.backward())", "bridge")
            return target
    raise ScriptShapeError("the training loop has no .backward() call", "bridge")


def _loop_item(runner, iterable, step):
    """The loop variable's value at step `step` (0-based), from a fresh copy of the iterable."""
    items = iter(eval(iterable, runner.ns))
    for _ in range(step):
        if next(items, _END) is _END:
            break
    item = next(items, _END)
    if item is _END:
        raise ScriptShapeError(f"the training loop has no step {step + 1}: its iterable ends "
                               "before it", "bridge")
    return item


_END = object()


def _param_labels(ns, params):
    """"name[row][col]" -> index in params, for every parameter in state_dict."""
    where = {id(p): i for i, p in enumerate(params)}
    out = {}
    for label_id, label in graph.param_labels(ns).items():
        if label_id in where:
            out[label] = where[label_id]
    return out


def build(trainer, step=None):
    """Forward and backward of the loop body for step index `step` (default: the next step the
    trainer would take); the model is left exactly as it was. Returns
    {step, steps_done, doc, tokens, n, loss, summary} (summary as graph.summary)."""
    runner = trainer.runner
    ns = runner.ns
    if step is None:
        step = trainer.steps_done
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ScriptShapeError(f"step must be a whole number >= 0, not {step!r}", "bridge")
    parts = runner.shape.train
    receiver = runner.compile_expr(_receiver(parts.inner))
    bind = runner.compile_bind(parts.node.target)
    forward = runner.compile_loop_body(parts.before)
    backward = runner.compile_loop_body([parts.inner])

    params = model.params_of(ns)
    saved = model.snapshot(ns)
    rng = random.getstate()
    names = dict(ns)
    try:
        with runner.running("run"):
            item = _loop_item(runner, runner.compile_expr(parts.node.iter), step)
            for p in params:
                p.grad = 0  # as the update loop leaves them: the grads of this loss alone
            runner.bind(bind, item)
            flow = runner.exec_code(forward)
            if flow != "done":
                raise ScriptShapeError(f"at step {step + 1} the loop body reaches `{flow}` "
                                       "before backward(): there is no loss to show", "bridge")
            root = eval(receiver, ns)
            if not hasattr(root, "_children"):
                raise ScriptShapeError(".backward() is not called on a Value", "bridge")
            runner.exec_code(backward)
        record = _record(ns, root, step)
        kept = {"data": [p.data for p in params], "grad": [p.grad for p in params]}
    finally:
        model.restore(ns, saved)
        random.setstate(rng)
        _restore_names(ns, names)
    record["steps_done"] = trainer.steps_done
    _CURRENT.clear()
    _CURRENT.update(runner=runner, root=root, kept=kept, labels=_param_labels(ns, params),
                    record=record)
    record["summary"] = graph.summary(root, ns)
    return record


def _restore_names(ns, names):
    for name in [k for k in ns if k not in names]:
        del ns[name]
    for name, value in names.items():
        if ns.get(name, _END) is not value:
            ns[name] = value


def _record(ns, root, step):
    out = {"step": step, "loss": float(root.data)}
    doc = ns.get("doc")
    if isinstance(doc, str):
        out["doc"] = doc
    tokens = ns.get("tokens")
    if isinstance(tokens, list) and all(isinstance(t, int) for t in tokens):
        out["tokens"] = list(tokens)
    if isinstance(ns.get("n"), int):
        out["n"] = ns["n"]
    return out


def _current(trainer):
    if _CURRENT.get("runner") is not trainer.runner:
        raise ScriptShapeError("no loss graph yet: build one with `loss_graph` first", "bridge")
    return _CURRENT


def _patch(cur, described):
    """Parameters report the data and grad they had right after this graph's backward()."""
    i = cur["labels"].get(described.get("label"))
    if i is not None:
        described["data"] = cur["kept"]["data"][i]
        described["grad"] = cur["kept"]["grad"][i]
    return described


def expand(trainer, node_id=None):
    """graph.expand on the built graph: one node and its children, with local grads."""
    cur = _current(trainer)
    out = graph.expand(cur["root"], node_id, ns=trainer.runner.ns)
    _patch(cur, out)
    for child in out["children"]:
        _patch(cur, child)
    return out


def path(trainer, to="wte"):
    """The shortest walk from the loss down to a parameter whose label starts with `to`
    (e.g. "wte" or "wte[3][5]"): a list of expand() results, loss first, the parameter last."""
    cur = _current(trainer)
    if not isinstance(to, str) or not to:
        raise ScriptShapeError("`to` must name a parameter, e.g. 'wte'", "bridge")
    labels = graph.param_labels(trainer.runner.ns)
    root = cur["root"]
    parent = {id(root): None}  # breadth first: the first hit is a nearest one
    queue = collections.deque([root])
    hit = None
    while queue and hit is None:
        node = queue.popleft()
        for k, child in enumerate(node._children):
            if id(child) in parent:
                continue
            parent[id(child)] = (node, k)
            label = labels.get(id(child))
            if label is not None and (label == to or label.startswith(to + "[")):
                hit = child
                break
            queue.append(child)
    if hit is None:
        raise ScriptShapeError(f"no parameter {to!r} is reached from this loss", "bridge")
    steps = []  # child positions from the root down
    node = hit
    while parent[id(node)] is not None:
        node, k = parent[id(node)]
        steps.append(k)
    walk = [expand(trainer, None)]
    for k in reversed(steps):
        walk.append(expand(trainer, walk[-1]["children"][k]["id"]))
    return walk
