"""Forward trace: one call of the script's own gpt(), statement by statement.

The page steps through gpt() like a debugger: after each statement, which variables changed
and to what. The earlier positions run unobserved (they only fill the KV cache); the call at
`pos` runs under `observe.Watch`, limited to gpt's code object (and linear/rmsnorm/softmax when
`callees` is set). Only locals whose binding or shallow contents changed are converted, so a
step costs a few identity checks rather than a copy of every vector.
"""

import time

from bridge import observe, scriptast
from bridge.errors import ScriptError, ScriptShapeError
from bridge.plain import make_converter, model_state, same_state, signature

CALLEES = ("linear", "rmsnorm", "softmax")


def _watched(ns, filename, tree, names):
    """code object -> (function name, statement map) for each named script function."""
    out = {}
    for name in names:
        fn = ns.get(name)
        code = getattr(fn, "__code__", None)
        if code is None or code.co_filename != filename:
            if name == "gpt":
                raise ScriptShapeError("the script has no gpt() to trace")
            continue  # a renamed or missing helper is simply not stepped into
        node = scriptast.find_function(tree, name)
        scriptast.check_code_matches(code, node)
        out[code] = (name, scriptast.statement_map(node))
    return out


class _Recorder:
    """Turns Watch callbacks into the event list: one entry per finished statement."""

    def __init__(self, names, conv):
        self.names = names  # code -> function name
        self.conv = conv
        self.events = []
        self.snap = {}  # frame -> {local name: (object, signature)}
        self.depth = 0

    def _changes(self, frame):
        snap = self.snap.setdefault(frame, {})
        changed = {}
        for key, val in observe.get_locals(frame).items():
            prev = snap.get(key)
            sig = signature(val)
            if prev is None or prev[0] is not val or prev[1] != sig:
                snap[key] = (val, sig)
                changed[key] = self.conv(val)
        return changed

    def start(self, frame, code):
        self.depth += 1
        self.events.append(
            {
                "event": "call",
                "func": self.names[code],
                "line": code.co_firstlineno,
                "depth": self.depth,
                "changed": self._changes(frame),
            }
        )

    def done(self, frame, code, line):
        self.events.append(
            {
                "event": "line",
                "func": self.names[code],
                "line": line,
                "depth": self.depth,
                "changed": self._changes(frame),
            }
        )

    def returned(self, frame, code, value):
        self.snap.pop(frame, None)
        self.events.append(
            {
                "event": "return",
                "func": self.names[code],
                "line": frame.f_lineno,
                "depth": self.depth,
                "value": self.conv(value),
            }
        )
        self.depth -= 1


def forward_trace(ns, filename, name, pos, callees=False, source=None):
    """Trace gpt() at position `pos` of `name` (a document of the data set's alphabet).

    Returns {name, tokens, chars, pos, token_id, target_id, events, logits, probs,
    target_prob, loss, kv_cache, backend, elapsed_ms}; each event is
    {event: "call"|"line"|"return", func, line, depth, changed: {var: plain value}} (returns
    carry `value` instead of `changed`).
    """
    started = time.perf_counter()
    tokens = scriptast.tokenize(ns, name)
    limit = min(len(tokens) - 1, ns["block_size"])
    if not isinstance(pos, int) or not 0 <= pos < limit:
        raise ScriptError(
            "ValueError", f"pos must be between 0 and {limit - 1} for {name!r}, not {pos!r}"
        )
    tree = scriptast.parse(scriptast.script_source(ns, filename, source))
    watched = _watched(ns, filename, tree, ("gpt",) + (CALLEES if callees else ()))
    gpt = ns["gpt"]
    keys, values = _prefix(ns, name, tokens, pos)

    rec = _Recorder({c: n for c, (n, _) in watched.items()}, make_converter(ns["Value"]))
    watch = observe.Watch(
        {c: m for c, (_, m) in watched.items()}, rec.done, rec.start, rec.returned
    )
    with watch:
        logits = gpt(tokens[pos], pos, keys, values)

    if _PREFIX and keys and len(keys[0]) > len(_PREFIX["keys"][0]):
        _PREFIX.update(keys=keys, values=values)
    probs = ns["softmax"](logits)
    target = tokens[pos + 1]
    loss_t = -probs[target].log()  # the training loop's own loss term for this position
    return {
        "name": name,
        "tokens": tokens,
        "chars": [scriptast.token_text(ns, t) for t in tokens],
        "pos": pos,
        "token_id": tokens[pos],
        "target_id": target,
        "events": rec.events,
        "logits": [v.data for v in logits],
        "probs": [v.data for v in probs],
        "target_prob": probs[target].data,
        "loss": loss_t.data,
        "kv_cache": _kv_size(keys, values),
        "backend": observe.backend(),
        "elapsed_ms": (time.perf_counter() - started) * 1000,
    }


# The KV cache left by the positions before `pos`, kept for the last document traced. Stepping
# through a name position by position then costs one gpt() call per step instead of pos + 1.
# It is keyed by the document and `plain.model_state`, so a training step, a reload or an
# `eval` that rebinds a global invalidates it.
_PREFIX = {}


def forget():
    """Drop the cached prefix (it keeps the old graph alive until the next trace)."""
    _PREFIX.clear()


def _prefix(ns, name, tokens, pos):
    gpt, n_layer = ns["gpt"], ns["n_layer"]
    state = model_state(ns)
    cached = _PREFIX
    if not (cached.get("name") == name and same_state(cached.get("state"), state)):
        cached.clear()
        cached.update(name=name, state=state, keys=[[] for _ in range(n_layer)],
                      values=[[] for _ in range(n_layer)])
    have = min((len(layer) for layer in cached["keys"]), default=0)
    if have > pos:
        # gpt() only appends to the cache and never changes a stored vector, so sharing the
        # vectors and copying the per-layer lists is enough.
        keys = [layer[:pos] for layer in cached["keys"]]
        values = [layer[:pos] for layer in cached["values"]]
    else:
        keys, values = cached["keys"], cached["values"]
        for p in range(have, pos):
            gpt(tokens[p], p, keys, values)
        keys = [layer[:] for layer in keys]
        values = [layer[:] for layer in values]
    return keys, values


def _kv_size(keys, values):
    per_layer = [len(layer) for layer in keys]
    numbers = sum(len(vec) for cache in (keys, values) for layer in cache for vec in layer)
    return {"layers": len(keys), "positions": per_layer, "numbers": numbers}
