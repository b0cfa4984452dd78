"""Attention capture and interventions, read from (and written into) the model's own frames.

Where attention happens is found from behaviour (trace.py, outline.py): the statement whose
result is a distribution over the positions so far is the attention weights. Around it, read
from the AST of the function it is in:

  scores    the local the weights statement reads that was bound before it (attn_logits)
  query, keys   the locals the scores statement reads: a vector, and a list of vectors
  out       the first later statement that reads the weights (head_out), and the values: the
            list of vectors it reads besides the weights

The training loop's forward work runs for the word (forward.py) under `observe.Watch` on that
function. When the out statement finishes, the head's locals are copied out. Layer and head
are counted: the anchors of one model call come layer by layer, `heads` to a layer (the heads
per layer as the trace's outline counted them).

Interventions change the running script's frame for one layer and head (or, with `every`, for
every layer and head at once), nothing else:
  scale    the scores are multiplied by `amount` right after their statement, and the script's
           own softmax turns them into weights (0: uniform, large: a hard choice)
  uniform, onehot, zero   the weights are replaced, right after their statement, by a blend
           of the script's weights and a target (`amount` 1 = all the way); onehot's target
           key is `key`, else the key the head prefers
"""

import ast
import copy

from . import codes, observe, trace
from .errors import ScriptError, ScriptShapeError
from .forward import Enough  # noqa: F401 - documented stop signal of the runs here
from .plain import make_converter, model_state, same_state

KINDS = ("uniform", "onehot", "zero", "scale")
# The run without intervention for the last word (see trace.py's cache for the key).
_BASE = {}


def forget():
    _BASE.clear()


def layout(roles):
    """Where the attention is in this script: {code, func, lines, names, heads, layers}."""
    cached = getattr(roles, "_attention_layout", None)
    if cached is not None:
        return cached
    vocab = roles.need("vocab")
    probe_doc = "".join(list(vocab.chars)[:2]) or "a"
    calls = trace._calls_for(roles, probe_doc)
    anchor = None
    for call in calls[1:] + calls[:1]:
        anchor = next((e for e in call["events"] if e.get("facts", {}).get("weights")), None)
        if anchor is not None:
            layers, seen = call["layers"], _last_values(call["events"])
            break
    if anchor is None:
        raise ScriptShapeError("no attention found: looked for a statement of the model whose "
                               "result is a distribution over the positions so far", "bridge")
    tracer = trace._CACHE["tracer"]
    code = next(c for c, name in tracer.funcs.items() if name == anchor["func"])
    node = codes.function_node(tracer.tree, code)
    weights = anchor["facts"]["weights"]
    w_stmt = _statement_at(node, anchor["line"])
    s_name, s_stmt = _source_of(node, w_stmt, weights)
    o_stmt = _reader(node, w_stmt, weights)
    names = {"weights": weights, "scores": s_name, "query": None, "keys": None,
             "values": None, "out": None}
    if s_stmt is not None:
        # The query is a vector, the keys a list of vectors (one per position so far).
        read = _locals_read(s_stmt, node)
        names["query"] = next((n for n in read if _is_vector(seen.get(n))), None)
        names["keys"] = next((n for n in read if _is_vectors(seen.get(n))), None)
    if o_stmt is not None:
        names["out"] = next(iter(_targets(o_stmt)), None)
        others = [n for n in _locals_read(o_stmt, node) if n != weights]
        names["values"] = next((n for n in others if _is_vectors(seen.get(n))), None)
    found = {
        "code": code,
        "func": anchor["func"],
        "map": codes.statement_map(tracer.tree, code),
        "weights_line": w_stmt.lineno,
        "scores_line": s_stmt.lineno if s_stmt is not None else None,
        "out_line": o_stmt.lineno if o_stmt is not None else w_stmt.lineno,
        # `out.extend(...)` / `out.append(...)`: the list collects every head's output, and this
        # head's is what the statement added to it.
        "out_fills": isinstance(o_stmt, ast.Expr),
        "names": names,
        "lines": {k: _line_of(node, v) for k, v in names.items() if v},
        "heads": max(1, layers["heads"]),
        "layers": max(1, layers["count"]),
        "model": tracer.model.code,
        "piece": tracer.piece,
        "piece_map": tracer.maps[tracer.piece],
    }
    roles._attention_layout = found
    return found


def _last_values(events):
    seen = {}
    for e in events:
        seen.update(e.get("changed", {}))
    return seen


def _is_vector(x):
    return isinstance(x, list) and len(x) > 0 and all(isinstance(v, float | int) for v in x)


def _is_vectors(x):
    return isinstance(x, list) and len(x) > 0 and all(_is_vector(v) for v in x)


def _statement_at(func, line):
    return next(n for n in ast.walk(func) if isinstance(n, ast.stmt) and n.lineno == line
                and not isinstance(n, ast.FunctionDef))


def _targets(stmt):
    if isinstance(stmt, ast.Assign):
        return [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    if isinstance(stmt, ast.AugAssign | ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        f = stmt.value.func  # out.extend(...) / out.append(...): the list it fills
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            return [f.value.id]
    return []


def _assignments(func):
    return [n for n in ast.walk(func) if isinstance(n, ast.stmt) and _targets(n)]


def _source_of(func, stmt, weights):
    """The local the weights statement reads that an earlier statement bound, and that statement."""
    reads = [n for n in _locals_read(stmt, func) if n != weights]
    earlier = [s for s in _assignments(func) if s.lineno < stmt.lineno]
    for name in reads:
        binders = [s for s in earlier if name in _targets(s)]
        if binders:
            return name, binders[-1]
    return None, None


def _reader(func, stmt, weights):
    later = sorted((s for s in _assignments(func) if s.lineno > stmt.end_lineno),
                   key=lambda s: s.lineno)
    return next((s for s in later if weights in program_names(s)), None)


def program_names(stmt):
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _locals_read(stmt, func):
    """Names the statement reads that the function binds (arguments included), in order."""
    bound = {a.arg for a in func.args.args}
    for s in _assignments(func):
        bound.update(_targets(s))
    for n in ast.walk(func):
        if isinstance(n, ast.For | ast.comprehension):
            bound.update(t.id for t in ast.walk(n.target) if isinstance(t, ast.Name))
    value = stmt.value if isinstance(stmt, ast.Assign | ast.AugAssign) else stmt
    comp_vars = {t.id for n in ast.walk(value) if isinstance(n, ast.comprehension)
                 for t in ast.walk(n.target) if isinstance(t, ast.Name)}
    out = []
    for n in ast.walk(value):
        if (isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in bound
                and n.id not in comp_vars and n.id not in out):
            out.append(n.id)
    return out


def _line_of(func, name):
    for s in sorted(_assignments(func), key=lambda s: s.lineno):
        if name in _targets(s):
            return s.lineno
    return None


def check_intervention(lay, iv):
    if iv is None:
        return None
    if not isinstance(iv, dict):
        raise ScriptError("ValueError", "intervention must be {layer, head, kind, amount}")
    kind = iv.get("kind")
    if kind not in KINDS:
        raise ScriptError("ValueError", f"intervention kind must be one of {KINDS}, not {kind!r}")
    out = {"kind": kind, "amount": float(iv.get("amount", 1.0))}
    for key, limit in (("layer", lay["layers"]), ("head", lay["heads"])):
        val = iv.get(key, 0)
        if not isinstance(val, int) or not 0 <= val < limit:
            raise ScriptError("ValueError", f"{key} must be 0..{limit - 1}, not {val!r}")
        out[key] = val
    every = iv.get("every", False)  # every layer and head at once (layer and head then ignored)
    if not isinstance(every, bool):
        raise ScriptError("ValueError", f"every must be true or false, not {every!r}")
    out["every"] = every
    for key in ("query", "key"):  # optional: one query position only; onehot's target key
        if iv.get(key) is not None:
            out[key] = int(iv[key])
    if kind != "scale" and not 0.0 <= out["amount"] <= 1.0:
        raise ScriptError("ValueError", f"amount for {kind!r} is a blend between 0 and 1")
    if kind == "scale" and lay["scores_line"] is None:
        raise ScriptShapeError("the attention weights are made from no scores the page could "
                               "rescale", "bridge")
    return out


def blend(iv, weights):
    """uniform/onehot/zero: the script's weights blended towards a target by `amount`."""
    n, a = len(weights), iv["amount"]
    if iv["kind"] == "uniform":
        target = [1.0 / n] * n
    elif iv["kind"] == "zero":
        target = [0.0] * n
    else:
        key = iv.get("key")
        if key is None:
            key = max(range(n), key=weights.__getitem__)
        key = min(key if key >= 0 else n + key, n - 1)
        target = [1.0 if t == key else 0.0 for t in range(n)]
    return [(1 - a) * w + a * t for w, t in zip(weights, target, strict=True)]


def _run(roles, lay, word, iv):
    nodes = roles.nodes
    conv = make_converter(nodes)
    names = lay["names"]
    heads = [[[] for _ in range(lay["heads"])] for _ in range(lay["layers"])]
    state = {"pos": -1, "anchor": 0, "original": None, "how": None, "after": [],
             "piece_seen": None}
    per_pos_after = []
    watch = None

    def here():
        a = state["anchor"]
        return a // lay["heads"], a % lay["heads"]

    def targeted():
        layer, head = here()
        return (iv is not None and (iv["every"] or (layer, head) == (iv["layer"], iv["head"]))
                and iv.get("query") in (None, state["pos"]))

    def new_call():
        state["pos"] += 1
        state["anchor"] = 0
        per_pos_after.append([])

    def done(frame, code, line):
        if code is lay["piece"]:
            if state["pos"] >= 0:
                local = observe.get_locals(frame)
                changed = {}
                for key in roles.forward.body_names:
                    if key in local:
                        val = local[key]
                        if state["piece_seen"].get(key) is val:
                            continue
                        changed[key] = conv(val)
                state["piece_seen"] = {k: local[k] for k in roles.forward.body_names if k in local}
                per_pos_after[-1].append({"line": line, "changed": changed})
            return
        if code is not lay["code"]:
            return
        local = observe.get_locals(frame)
        if line == lay["scores_line"] and iv is not None and iv["kind"] == "scale" and targeted():
            scaled = [nodes.cls(nodes.value(s) * iv["amount"]) for s in local[names["scores"]]]
            state["how"] = observe.set_local(frame, names["scores"], scaled, watch)
        if line == lay["weights_line"] and iv is not None and iv["kind"] != "scale" and targeted():
            old = [nodes.value(w) for w in local[names["weights"]]]
            state["original"] = old
            state["how"] = observe.set_local(
                frame, names["weights"], [nodes.cls(w) for w in blend(iv, old)], watch)
        if line == lay["weights_line"] and lay["out_fills"]:
            filled = local.get(names["out"])
            state["out_len"] = len(filled) if isinstance(filled, list) else None
        if line == lay["out_line"]:
            layer, head = here()
            rec = {"pos": state["pos"]}
            for key in ("query", "keys", "values", "scores", "weights", "out"):
                var = names[key]
                rec[key] = conv(local.get(var)) if var else None
            if lay["out_fills"] and isinstance(rec["out"], list) and state.get("out_len") is not None:
                added = rec["out"][state["out_len"]:]
                rec["out"] = added[0] if len(added) == 1 and isinstance(added[0], list) else added
            if state["original"] is not None:
                rec["weights_original"] = state["original"]
                state["original"] = None
            if layer < len(heads):
                heads[layer][head].append(rec)
            state["anchor"] += 1

    def start(frame, code):
        if code is lay["piece"]:  # what the loop body held before the model ran
            local = observe.get_locals(frame)
            state["piece_seen"] = {k: local[k] for k in roles.forward.body_names if k in local}
            return
        if code is lay["model"] and code is lay["code"]:
            caller = frame.f_back
            if caller is not None and caller.f_code is lay["piece"]:
                new_call()

    def on_call(frame, code):
        new_call()

    maps = {lay["code"]: lay["map"], lay["piece"]: lay["piece_map"]}
    calls = set() if lay["model"] is lay["code"] else {lay["model"]}
    watch = observe.Watch(maps, done, start, calls=calls, on_call=on_call)
    with roles.runner.running("run"):
        roles.forward.run(doc=word, watch=watch, nodes=nodes)
    size = roles.vocab.size
    probs, losses = [], []
    for after in per_pos_after:
        tail = trace._tail(after, size, nodes)
        probs.append(tail["probs"])
        losses.append(tail["loss"])
    known = [x for x in losses if x is not None]
    return {"heads": heads, "probs": probs, "losses": losses,
            "loss": sum(known) / len(known) if known else None, "how": state["how"]}


def effect(base, changed):
    """How much the change moved the model's prediction, position by position: `change[t]` is
    the probability of token t with the change minus without (signed), `largest` the token it
    moved most, and the loss term of the position's target before and after. The page quotes
    these numbers as they are: a head that barely matters shows a small number."""
    out = []
    for pos, (before, after) in enumerate(zip(base["probs"], changed["probs"], strict=True)):
        if before is None or after is None:
            out.append(None)
            continue
        change = [a - b for a, b in zip(after, before, strict=True)]
        top = max(range(len(change)), key=lambda t: abs(change[t]))
        out.append({
            "pos": pos,
            "change": change,
            "largest": {"token": top, "change": change[top], "before": before[top],
                        "after": after[top]},
            # Half the sum of the absolute changes: how much probability moved between tokens.
            "moved": sum(abs(c) for c in change) / 2,
            "loss_before": base["losses"][pos],
            "loss_after": changed["losses"][pos],
        })
    return out


def capture(roles, word, intervention=None):
    """Attention of every layer and head at every position of `word`, with and without a change.

    Returns {word, tokens, labels, n_layer, n_head, head_dim, names, lines, base, intervened,
    intervention}, where base.heads[layer][head][query] = {pos, query, keys, values, scores,
    weights, out (+ weights_original where the weights were replaced)} and base.probs[pos] is
    the next-token distribution after reading tokens[pos] (its target is tokens[pos + 1])."""
    lay = layout(roles)
    iv = check_intervention(lay, intervention)
    tokens, n = roles.need("tokenizer").encode(word)
    state = model_state(roles)
    if _BASE.get("word") == word and same_state(_BASE.get("state"), state):
        base = _BASE["base"]
    else:
        base = _run(roles, lay, word, None)
        base.pop("how")
        _BASE.clear()
        _BASE.update(word=word, state=state, base=base)
    base = copy.deepcopy(base)  # the caller may keep or change what it gets
    changed = _run(roles, lay, word, iv) if iv else None
    if changed is not None:
        iv = dict(iv, how=changed.pop("how"))
        changed["effect"] = effect(base, changed)
    first = next((h[0] for layer in base["heads"] for h in layer if h), None)
    vocab = roles.vocab
    return {
        "word": word,
        "tokens": tokens,
        "labels": [vocab.labels[t] if 0 <= t < vocab.size else str(t) for t in tokens],
        "positions": n,
        "n_layer": lay["layers"],
        "n_head": lay["heads"],
        "head_dim": len(first["query"]) if first and isinstance(first["query"], list) else None,
        "func": lay["func"],
        "names": lay["names"],
        "lines": lay["lines"],
        "base": base,
        "intervened": changed,
        "intervention": iv,
    }
