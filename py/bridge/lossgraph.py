"""The real loss graph of one training step, built without training the model.

The graph explorer (bridge/graph.py) needs a loss Value. Taking one from a real training step
would move the model, and the page must never train behind the reader's back. So `build` runs
the training loop's own body for a chosen step index, but only its forward part and its
`.backward()` statement (the very code objects the trainer runs, cut from the same AST), and
then puts everything back: params data and grads, Adam's m and v, the random state, and the
names the loop body bound in the script's namespace (`doc`, `loss`, the loop variable, ...).
The trainer's step count is never touched.

While the forward part runs, each node's creating line and function are recorded (origins.py:
the class's `__init__` is wrapped for the build only), so `expand` and `path` say for every node
which line of the script made it, in which function, and the stage of the model it belongs to.

Two things are kept from the run: the loss Value (its graph of intermediate Values is private
to it, so their data and grads stay exactly what forward and backward left), and each
parameter's data and grad right after backward(). Parameters are shared with the model, so
their own `.grad` is reset; `expand` and `path` report the recorded numbers for them instead.

Before the forward pass the parameters' grads are set to zero, as the script's update loop
leaves them after every step, so the grads shown are those of this one loss.
"""

import collections
import random

from . import graph, origins, trace
from . import params as params_mod
from .errors import ScriptShapeError
from .forward import recording_receivers

_CURRENT = {}  # the last graph built: {"runner", "root", "kept", "labels", "record"}
_END = object()


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


def _param_labels(roles):
    """"name[row][col]" -> index in the parameters, for every named parameter."""
    params = roles.params
    where = {id(p): i for i, p in enumerate(params.nodes_list)}
    return {label: where[i] for i, label in graph.param_labels(roles).items() if i in where}


def build(trainer, step=None):
    """Forward and backward of the loop body for step index `step` (default: the next step the
    trainer would take); the model is left exactly as it was. Returns
    {step, steps_done, doc, tokens, n, loss, roots, summary} (summary as graph.summary).

    The loss is what the backward statement calls .backward() on; a script that calls it once
    per position makes one graph per position: the explorer shows the last (it holds the
    others' shared part), and `roots` says how many there were."""
    runner, roles = trainer.runner, trainer.roles
    ns = runner.ns
    if step is None:
        step = trainer.steps_done
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ScriptShapeError(f"step must be a whole number >= 0, not {step!r}", "bridge")
    params, nodes = roles.need("params"), roles.nodes
    parts = runner.program.train
    bind = runner.compile_bind(parts.node.target)
    forward = runner.compile_loop_body(parts.before)
    backward = runner.compile_loop_body([parts.inner])

    saved = params_mod.snapshot(params, nodes, ns)
    rng = random.getstate()
    names = dict(ns)
    receivers = []
    chains = {}  # id(node) -> the script's frames that made it (origins.py)
    with runner.running("run", quiet=True):
        outline = trace.outline_of(roles)  # traced once per script, before the build records
    try:
        with (runner.running("run", quiet=True), recording_receivers(nodes, receivers),
              origins.recording(nodes, runner.filename, chains)):
            item = _loop_item(runner, runner.compile_expr(parts.node.iter), step)
            for p in params.nodes_list:
                setattr(p, nodes.grad, 0)  # as the update leaves them: the grads of this loss alone
            runner.bind(bind, item)
            flow = runner.exec_code(forward)
            if flow != "done":
                raise ScriptShapeError(f"at step {step + 1} the loop body reaches `{flow}` "
                                       "before backward(): there is no loss to show", "bridge")
            runner.exec_code(backward)
        if not receivers:
            raise ScriptShapeError(f"at step {step + 1} the backward statement called "
                                   f".{nodes.backward}() on nothing", "bridge")
        root = receivers[-1]
        record = _record(trainer, ns, root, step)
        record["roots"] = len(receivers)
        kept = {"data": [nodes.value(p) for p in params.nodes_list],
                "grad": [nodes.grad_of(p) for p in params.nodes_list]}
    finally:
        params_mod.restore(params, nodes, ns, saved)
        random.setstate(rng)
        _restore_names(ns, names)
    record["steps_done"] = trainer.steps_done
    _CURRENT.clear()
    describe = origins.Describer(runner.source, outline)
    _CURRENT.update(runner=runner, roles=roles, root=root, kept=kept,
                    labels=_param_labels(roles), record=record,
                    origin=lambda node: describe(chains.get(id(node))))
    record["summary"] = graph.summary(root, roles)
    return record


def forget():
    _CURRENT.clear()


def _restore_names(ns, names):
    for name in [k for k in ns if k not in names]:
        del ns[name]
    for name, value in names.items():
        if ns.get(name, _END) is not value:
            ns[name] = value


def _record(trainer, ns, root, step):
    roles = trainer.roles
    out = {"step": step, "loss": float(roles.nodes.value(root))}
    doc = ns.get(roles.doc_var) if roles.doc_var else None
    if isinstance(doc, str):
        out["doc"] = doc
    tok = roles.tokenizer
    tokens = ns.get(tok.tokens_var) if tok else None
    if isinstance(tokens, list) and all(type(t) is int for t in tokens):
        out["tokens"] = list(tokens)
    if tok is not None and tok.positions is not None:
        try:
            out["n"] = len(eval(tok.positions, ns))
        except Exception:  # a position loop over something without a length
            pass
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
    out = graph.expand(cur["root"], node_id, cur["roles"], origin=cur["origin"])
    _patch(cur, out)
    for child in out["children"]:
        _patch(cur, child)
    return out


def path(trainer, to):
    """The shortest walk from the loss down to a parameter whose label starts with `to`
    (e.g. "wte" or "wte[3][5]"): a list of expand() results, loss first, the parameter last."""
    cur = _current(trainer)
    if not isinstance(to, str) or not to:
        raise ScriptShapeError("`to` must name a parameter matrix, e.g. 'wte'", "bridge")
    labels = graph.param_labels(cur["roles"])
    nodes = cur["roles"].nodes
    root = cur["root"]
    parent = {id(root): None}  # breadth first: the first hit is a nearest one
    queue = collections.deque([root])
    hit = None
    while queue and hit is None:
        node = queue.popleft()
        for k, child in enumerate(nodes.children(node)):
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
