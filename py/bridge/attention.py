"""Attention capture and interventions, read from (and written into) gpt()'s own frame.

For each position of a short word, gpt() runs under `observe.Watch`. When the statement that
assigns `head_out` finishes, the head's locals (q_h, k_h, v_h, attn_logits, attn_weights,
head_out) are copied out. An intervention rebinds `attn_weights` in the frame right after its
statement finishes, for one layer and head, so the script's next line mixes the values with
the new weights; nothing in the script or its globals is touched. The statements and the
layer/head loop variables are found in gpt's AST by the variable names above.
"""

import copy
import math

from bridge import observe, scriptast
from bridge.errors import ScriptError, ScriptShapeError
from bridge.plain import model_state, same_state

HEAD_VARS = ("q_h", "k_h", "v_h", "attn_logits", "attn_weights", "head_out")
KINDS = ("uniform", "onehot", "zero", "scale")
# The run without intervention for the last word: trying one intervention after another on
# the same word then costs one observed pass each, not two. Keyed like trace's prefix cache
# (see plain.model_state).
_BASE = {}


def _layout(ns, filename, source):
    gpt = ns.get("gpt")
    if getattr(gpt, "__code__", None) is None:
        raise ScriptShapeError("the script has no gpt() to look into")
    tree = scriptast.parse(scriptast.script_source(ns, filename, source))
    node = scriptast.find_function(tree, "gpt")
    scriptast.check_code_matches(gpt.__code__, node)
    weights_stmt, loops = scriptast.assignment(node, "attn_weights")
    out_stmt, _ = scriptast.assignment(node, "head_out")
    if len(loops) < 2:
        raise ScriptShapeError("attn_weights is not computed inside a layer loop and a head loop")
    return {
        "code": gpt.__code__,
        "map": scriptast.statement_map(node),
        "weights_line": weights_stmt.lineno,
        "out_line": out_stmt.lineno,
        "layer_var": scriptast.loop_var(loops[0]),  # outermost loop: layers
        "head_var": scriptast.loop_var(loops[-1]),  # innermost loop: heads
        "lines": {v: scriptast.assignment(node, v)[0].lineno for v in HEAD_VARS},
    }


def forget():
    """Drop the cached run without intervention (and the graph it keeps alive)."""
    _BASE.clear()


def check_intervention(ns, iv):
    if iv is None:
        return None
    if not isinstance(iv, dict):
        raise ScriptError("ValueError", "intervention must be {layer, head, kind, amount}")
    kind = iv.get("kind")
    if kind not in KINDS:
        raise ScriptError("ValueError", f"intervention kind must be one of {KINDS}, not {kind!r}")
    out = {"kind": kind, "amount": float(iv.get("amount", 1.0))}
    for key, limit in (("layer", ns["n_layer"]), ("head", ns["n_head"])):
        val = iv.get(key, 0)
        if not isinstance(val, int) or not 0 <= val < limit:
            raise ScriptError("ValueError", f"{key} must be 0..{limit - 1}, not {val!r}")
        out[key] = val
    for key in ("query", "key"):  # optional: one query position only; onehot's target key
        if iv.get(key) is not None:
            out[key] = int(iv[key])
    if kind != "scale" and not 0.0 <= out["amount"] <= 1.0:
        raise ScriptError("ValueError", f"amount for {kind!r} is a blend between 0 and 1")
    return out


def new_weights(iv, weights, logits):
    """The replacement attention weights (floats) for one head at one query position.

    uniform/onehot/zero blend the script's weights towards a target by `amount` (1 = all the
    way); onehot targets `key` (default: the key the head already prefers most; clamped to the
    keys that exist so far). scale redoes the softmax with the scores multiplied by `amount`,
    like an inverse temperature: 0 gives uniform weights, large values a hard choice.
    """
    n, a = len(weights), iv["amount"]
    if iv["kind"] == "scale":
        scaled = [s * a for s in logits]
        top = max(scaled)
        exps = [math.exp(s - top) for s in scaled]
        total = sum(exps)
        return [e / total for e in exps]
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


def _run(ns, layout, tokens, iv):
    """Run gpt over the word, capturing every head; apply `iv` if given."""
    gpt, value_cls, n_layer = ns["gpt"], ns["Value"], ns["n_layer"]
    n_head = ns["n_head"]
    positions = min(ns["block_size"], len(tokens) - 1)
    heads = [[[] for _ in range(n_head)] for _ in range(n_layer)]
    state = {"pos": 0, "original": None}
    watch = None

    def floats(obj):
        if isinstance(obj, list):
            return [floats(v) for v in obj]
        return obj.data if isinstance(obj, value_cls) else obj

    def done(frame, code, line):
        if line == layout["weights_line"] and iv is not None:
            loc = observe.get_locals(frame)
            here = (loc[layout["layer_var"]], loc[layout["head_var"]])
            if here == (iv["layer"], iv["head"]) and iv.get("query") in (None, state["pos"]):
                old = floats(loc["attn_weights"])
                new = new_weights(iv, old, floats(loc["attn_logits"]))
                state["original"] = old
                state["how"] = observe.set_local(
                    frame, "attn_weights", [value_cls(w) for w in new], watch
                )
        elif line == layout["out_line"]:
            loc = observe.get_locals(frame)
            rec = {"pos": state["pos"]}
            for var in HEAD_VARS:
                rec[var] = floats(loc[var])
            if state["original"] is not None:
                rec["attn_weights_original"] = state["original"]
                state["original"] = None
            heads[loc[layout["layer_var"]]][loc[layout["head_var"]]].append(rec)

    keys, values = [[] for _ in range(n_layer)], [[] for _ in range(n_layer)]
    probs, losses = [], []
    watch = observe.Watch({layout["code"]: layout["map"]}, done)
    for pos in range(positions):
        state["pos"] = pos
        with watch:
            logits = gpt(tokens[pos], pos, keys, values)
        p = ns["softmax"](logits)
        probs.append([v.data for v in p])
        losses.append((-p[tokens[pos + 1]].log()).data)
    return {
        "heads": heads,
        "probs": probs,
        "loss": sum(losses) / len(losses),
        "how": state.get("how"),
    }


def capture(ns, filename, word, intervention=None, source=None):
    """Attention of every layer and head at every position of `word`, with and without a change.

    Returns {word, tokens, chars, n_layer, n_head, head_dim, lines: {var: line},
    base: {heads, probs, loss}, intervened: same or None, intervention}, where
    heads[layer][head][query] = {pos, q_h, k_h, v_h, attn_logits, attn_weights, head_out
    (+ attn_weights_original where the weights were replaced)} and probs[pos] is the
    next-token distribution after reading tokens[pos] (its target is tokens[pos + 1]).
    """
    iv = check_intervention(ns, intervention)
    layout = _layout(ns, filename, source)
    tokens = scriptast.tokenize(ns, word)
    state = model_state(ns)
    if _BASE.get("word") == word and same_state(_BASE.get("state"), state):
        base = _BASE["base"]
    else:
        base = _run(ns, layout, tokens, None)
        base.pop("how")
        _BASE.clear()
        _BASE.update(word=word, state=state, base=base)
    base = copy.deepcopy(base)  # the caller may keep or change what it gets
    changed = _run(ns, layout, tokens, iv) if iv else None
    if changed is not None:
        iv = dict(iv, how=changed.pop("how"))
    return {
        "word": word,
        "tokens": tokens,
        "chars": [scriptast.token_text(ns, t) for t in tokens],
        "n_layer": ns["n_layer"],
        "n_head": ns["n_head"],
        "head_dim": ns["head_dim"],
        "lines": layout["lines"],
        "base": base,
        "intervened": changed,
        "intervention": iv,
    }
