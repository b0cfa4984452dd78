"""Forward trace: the model's own statements, one by one, for every position of a document.

The page steps through the model like a debugger: after each statement, which variables changed
and to what. The training loop's own forward work runs for the document (forward.py), so the
model is called exactly as the loop calls it, with its KV cache. Watched (observe.Watch):

  structural functions  the model, and every function of the script it calls that itself calls
                        others (a Block, an Attention...): statement by statement, with the
                        locals each statement (re)bound;
  leaf functions        the ones that call no other (linear, rmsnorm, softmax): only entering and
                        leaving, to say which matrix each was given and how long its result was;
  the loop body         after each call of the model, the statements that read its scores
                        (probs = softmax(logits), the loss term), until the next call.

Each statement event also says whether its result is a row of a parameter matrix (an embedding
lookup, by token or by position), what operation made its numbers (add, relu, pow 2...) and
whether it is a distribution over the positions so far (attention weights); outline.py turns
those into the data flow (embedding, attention, MLP, output), the layer and the head.

Which functions are structural is found once per loaded script, from the calls of one run.
"""

import time

from . import codes, graph, observe, outline
from .errors import ScriptError
from .forward import Enough
from .plain import make_converter, model_state, same_state, signature

# The last document traced: every position's events, keyed by the document and the model's
# state (a training step, a reload or an `eval` that rebinds a global invalidates it).
_CACHE = {}


def forget():
    _CACHE.clear()


class Tracer:
    def __init__(self, roles):
        self.roles = roles
        runner = roles.runner
        self.nodes = roles.need("nodes")
        self.model = roles.need("model")
        self.forward = roles.need("forward")
        self.funcs = codes.script_functions(runner.ns, runner.filename,
                                            skip_classes=(self.nodes.cls,))
        self.tree = runner.program.tree
        self.structural = self._structural()
        self.maps = {c: codes.statement_map(self.tree, c) for c in self.structural}
        post = runner.program.train
        self.piece = self.forward.post
        self.maps[self.piece] = codes.piece_map(
            post.before[(roles.doc_index + 1) if roles.doc_index is not None else 0:]
            + [post.inner])
        self.leaves = set(self.funcs) - set(self.structural)

    def _structural(self):
        """The model, and each function called under it that calls a function of its own."""
        parents = {}
        stack = []

        def on_call(frame, code):
            if stack:
                parents.setdefault(stack[-1], set()).add(code)
            stack.append(code)

        def on_leave(frame, code, value):
            if stack:
                stack.pop()
            if code is self.model.code and len(parents.get(code, ())) >= 0:
                raise Enough  # one call of the model shows its structure

        watch = observe.Watch({}, calls=self.funcs, on_call=on_call, on_leave=on_leave)
        self.forward.run(watch=watch, nodes=self.nodes)
        found = {self.model.code}
        frontier = [self.model.code]
        while frontier:
            code = frontier.pop()
            for child in parents.get(code, ()):
                if child not in found and parents.get(child):
                    found.add(child)
                    frontier.append(child)
        return found

    def run(self, doc):
        """Every model call of the forward work for `doc`, traced."""
        rec = _Recorder(self)
        watch = observe.Watch(self.maps, rec.done, rec.start, rec.returned,
                              calls=self.leaves, on_call=rec.leaf_call, on_leave=rec.leaf_leave)
        names, _ = self.forward.run(doc=doc, watch=watch, nodes=self.nodes)
        return rec.calls, names


class _Recorder:
    """Turns Watch callbacks into one record per model call: its statement events, in order."""

    def __init__(self, tracer):
        self.t = tracer
        roles = tracer.roles
        self.conv = make_converter(tracer.nodes)
        self.calls = []
        self.frames = {}  # frame -> {"code", "depth", "parent", "id"}
        self.next_id = 0  # frames are numbered in the order they start: the same every run
        self.snap = {}
        self.pending = {}  # structural frame -> leaf calls of its current statement
        self.open_leaves = {}
        self.piece_names = tracer.forward.body_names
        self.rows = {}
        if roles.params is not None:
            for m in roles.params.matrices:
                if m.obj is not None:
                    for r, row in enumerate(m.rows_of()):
                        self.rows[id(row)] = (m.name, r)
            self.matrices = {id(m.obj): m.name for m in roles.params.matrices if m.obj is not None}
        else:
            self.matrices = {}

    # -- frames ------------------------------------------------------------------------
    def _structural_parent(self, frame):
        f = frame.f_back
        while f is not None:
            if f in self.frames:
                return f
            f = f.f_back
        return None

    def _changes(self, frame, code, before=None):
        """The locals the last statement (re)bound or changed; `before` gets what they held."""
        snap = self.snap.setdefault(frame, {})
        changed = {}
        local = observe.get_locals(frame)
        keys = self.piece_names if code is self.t.piece else local.keys()
        for key in keys:
            if key not in local:
                continue
            val = local[key]
            prev = snap.get(key)
            sig = signature(val)
            if prev is None or prev[0] is not val or prev[1] != sig:
                if before is not None and prev is not None:
                    before[key] = prev[0]
                snap[key] = (val, sig)
                changed[key] = val
        return changed

    # -- Watch callbacks -----------------------------------------------------------------
    def start(self, frame, code):
        if code is self.t.piece:
            self.frames[frame] = {"code": code, "depth": 0, "parent": None, "id": None}
            self._changes(frame, code)  # what the loop body held before the model ran
            return
        parent = self._structural_parent(frame)
        if code is self.t.model.code and (parent is None or self.frames[parent]["code"] is self.t.piece):
            args = codes.arguments(frame, code)
            self.calls.append({"args": [self.conv(a) for a in args], "raw_args": args,
                               "events": [], "after": [], "returned": None})
        if not self.calls:
            return
        depth = self.frames[parent]["depth"] + 1 if parent in self.frames else 1
        self.frames[frame] = {"code": code, "depth": depth, "parent": parent, "id": self.next_id}
        self.next_id += 1
        changed = self._changes(frame, code)
        self._event("call", frame, code, code.co_firstlineno, changed)

    def done(self, frame, code, line):
        if frame not in self.frames or not self.calls:
            return
        before = {}
        changed = self._changes(frame, code, before)
        if code is self.t.piece:
            current = self.calls[-1]
            if current["returned"] is not None:  # between two calls of the model
                current["after"].append({"line": line, "changed": self._plain(changed),
                                         "raw": changed})
            return
        self._event("line", frame, code, line, changed, self.pending.pop(frame, []), before=before)

    def returned(self, frame, code, value):
        info = self.frames.get(frame)
        if info is not None and code is not self.t.piece and self.calls:
            self._event("return", frame, code, frame.f_lineno, {}, value=value)
            if code is self.t.model.code and info["depth"] == 1:
                self.calls[-1]["returned"] = value
        self.frames.pop(frame, None)
        self.snap.pop(frame, None)

    def leaf_call(self, frame, code):
        parent = self._structural_parent(frame)
        if parent is None or parent not in self.frames or self.frames[parent]["code"] is self.t.piece:
            return
        args = codes.arguments(frame, code)
        matrix = next((self.matrices[id(a)] for a in args if id(a) in self.matrices), None)
        owner = frame.f_locals.get("self") if code.co_argcount else None
        if matrix is None and hasattr(owner, "__dict__"):  # a layer object's own weights
            matrix = next((self.matrices[id(a)] for a in vars(owner).values()
                           if id(a) in self.matrices), None)
        first = next((a for a in args if isinstance(a, list | tuple)), None)
        record = {"func": self.t.funcs.get(code, code.co_name), "matrix": matrix,
                  "n_in": len(first) if first is not None else None, "n_out": None}
        self.pending.setdefault(parent, []).append(record)
        self.open_leaves[frame] = record

    def leaf_leave(self, frame, code, value):
        record = self.open_leaves.pop(frame, None)
        if record is not None and isinstance(value, list | tuple):
            record["n_out"] = len(value)
            row = self.rows.get(id(value))
            if row is not None:  # a function that returns a matrix's row: an embedding lookup
                record["lookup"] = {"matrix": row[0], "row": row[1]}

    # -- events --------------------------------------------------------------------------
    def _event(self, kind, frame, code, line, changed, calls=(), value=None, before=None):
        info = self.frames.get(frame, {})
        parent = self.frames.get(info.get("parent"))
        event = {
            "event": kind,
            "func": self.t.funcs.get(code, code.co_name),
            "line": line,
            "depth": info.get("depth", 1),
            "frame": info.get("id"),
            "parent": parent["id"] if parent is not None else None,
        }
        if kind == "return":
            event["value"] = self.conv(value)
        else:
            event["changed"] = self._plain(changed)
            facts = self._facts(changed, self.snap.get(frame, {}), before or {})
            if facts:
                event["facts"] = facts
            if calls:
                event["calls"] = list(calls)
        self.calls[-1]["events"].append(event)

    def _plain(self, changed):
        return {k: self.conv(v) for k, v in changed.items()}

    def _facts(self, changed, held, before):
        """What the statement's results are: a matrix row, another local itself (a copy) or a
        slice of one, an operation, a distribution over the positions so far, an element-wise
        sum with a vector the frame holds or held before (a residual connection)."""
        nodes = self.t.nodes
        k = len(self.calls) - 1
        out = {}
        for name, value in changed.items():
            if not isinstance(value, list | tuple) or not value:
                continue
            row = self.rows.get(id(value))
            if row is not None:
                out.setdefault("lookup", {"var": name, "matrix": row[0], "row": row[1]})
                continue
            source = _source(name, value, held)
            if source is not None:
                out.setdefault(source[0], source[1])
                continue
            if nodes.is_node(value[0]):
                out.setdefault("op", graph.infer_op(value[0], nodes))
                out.setdefault("size", len(value))
                if len(value) == k + 1 and _is_distribution(value, nodes):
                    out["weights"] = name
                if _adds_to_held(name, value, held, before, nodes):
                    out["residual"] = name
        return out


def _source(name, value, held):
    """("copy", other) when the value is another local's list itself, ("slice", {of, start,
    stop}) when its items are a run of another local list's items; else None."""
    for other, (obj, _) in held.items():
        if other == name or not isinstance(obj, list):
            continue
        if obj is value:
            return "copy", other
        if len(value) < len(obj) and value[0] is not None:
            start = next((i for i, x in enumerate(obj) if x is value[0]), None)
            if start is not None and all(i + start < len(obj) and obj[i + start] is v
                                         for i, v in enumerate(value)):
                return "slice", {"of": other, "start": start, "stop": start + len(value)}
    return None


def _adds_to_held(name, value, held, before, nodes):
    """Is each value[i] a sum whose inputs include list[i], for a list the frame holds (another
    local) or held before this statement (the old value of a name it rebound)?"""
    first = value[0]
    if len(nodes.children(first)) != 2:
        return False
    lists = [obj for other, (obj, _) in held.items() if other != name]
    lists += list(before.values())
    for obj in lists:
        if not isinstance(obj, list) or len(obj) != len(value) or obj is value:
            continue
        if all(any(c is obj[i] for c in nodes.children(value[i])) for i in range(min(3, len(value)))):
            return graph.infer_op(first, nodes) == "add"
    return False


def _is_distribution(values, nodes):
    try:
        data = [nodes.value(v) for v in values]
    except AttributeError:
        return False
    return all(x >= 0 for x in data) and abs(sum(data) - 1.0) < 1e-6


def forward_trace(roles, name, pos):
    """The trace of the model's call at position `pos` of document `name`.

    Returns {name, tokens, labels, pos, token_id, target_id, events, outline, logits, probs,
    target_prob, loss, loss_line, probs_var, kv, backend, elapsed_ms}. Each event is
    {event: "call"|"line"|"return", func, line, depth, changed: {var: plain value}, facts,
    calls, flow, layer, head} (returns carry `value` instead of `changed`)."""
    started = time.perf_counter()
    tok = roles.need("tokenizer")
    tokens, n = tok.encode(name)
    n = n if n is not None else len(tokens) - 1
    if not isinstance(pos, int) or not 0 <= pos < n:
        raise ScriptError("ValueError", f"pos must be between 0 and {n - 1} for {name!r}, "
                                        f"not {pos!r}")
    calls = _calls_for(roles, name)
    if pos >= len(calls):
        raise ScriptError("ValueError", f"the training loop called the model {len(calls)} times "
                                        f"for {name!r}, not {pos + 1}")
    call = calls[pos]
    nodes = roles.nodes
    vocab = roles.vocab
    target = tokens[pos + 1] if pos + 1 < len(tokens) else None
    tail = _tail(call["after"], vocab.size if vocab else None, nodes)
    logits = [nodes.value(v) for v in call["returned"]] if call["returned"] else []
    return {
        "name": name,
        "tokens": tokens,
        "labels": [vocab.labels[t] if vocab and 0 <= t < vocab.size else str(t) for t in tokens],
        "pos": pos,
        "positions": n,
        "token_id": tokens[pos],
        "target_id": target,
        "events": call["events"],
        "outline": call["outline"],
        "layers": call["layers"],
        "logits": logits,
        "probs": tail["probs"],
        "probs_var": tail["probs_var"],
        "probs_line": tail["probs_line"],
        "target_prob": tail["probs"][target] if tail["probs"] and target is not None else None,
        "loss": tail["loss"],
        "loss_line": tail["loss_line"],
        "loss_var": tail["loss_var"],
        "backend": observe.backend(),
        "elapsed_ms": (time.perf_counter() - started) * 1000,
    }


def _calls_for(roles, name):
    state = model_state(roles)
    if _CACHE.get("name") == name and same_state(_CACHE.get("state"), state):
        return _CACHE["calls"]
    tracer = _CACHE.get("tracer")
    if tracer is None or tracer.roles is not roles:
        tracer = Tracer(roles)
    with roles.runner.running("run"):
        calls, _ = tracer.run(name)
    for k, call in enumerate(calls):
        outline.annotate(call, k, tracer)
        for item in call["after"]:
            item.pop("raw", None)
        call.pop("raw_args", None)
    _CACHE.clear()
    _CACHE.update(name=name, state=state, calls=calls, tracer=tracer)
    return calls


def _tail(after, size, nodes):
    """The loop body's statements after this call: the distribution over the next token (the
    first list of `size` numbers summing to 1) and the scalar loss term made after it."""
    out = {"probs": None, "probs_var": None, "probs_line": None, "loss": None, "loss_line": None,
           "loss_var": None}
    for item in after:
        for var, value in item["changed"].items():
            if out["probs"] is None:
                if (isinstance(value, list) and len(value) == size
                        and all(isinstance(x, float | int) for x in value)
                        and abs(sum(value) - 1.0) < 1e-6):
                    out.update(probs=value, probs_var=var, probs_line=item["line"])
            elif out["loss"] is None and isinstance(value, float):
                out.update(loss=value, loss_var=var, loss_line=item["line"])
    return out


def outline_of(roles):
    """The model's statements and data flow, from one traced call (position 1 of a two-character
    word, so attention has two positions to weigh): {outline, layers, embedding: {token,
    position}, output, model, positions}."""
    cached = getattr(roles, "_outline", None)
    if cached is not None:
        return cached
    vocab = roles.need("vocab")
    word = "".join(list(vocab.chars)[:2])
    calls = _calls_for(roles, word)
    call = calls[1] if len(calls) > 1 else calls[0]
    embedding = {"token": None, "position": None}
    for item in call["outline"]:
        for lookup in item.get("lookups", []):
            if lookup.get("by") in embedding and embedding[lookup["by"]] is None:
                embedding[lookup["by"]] = lookup["matrix"]
    found = {"outline": call["outline"], "layers": call["layers"], "embedding": embedding,
             "output": roles.output, "model": roles.model.name, "word": word}
    roles._outline = found
    return found
