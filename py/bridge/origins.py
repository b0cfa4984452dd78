"""Where each node of a loss graph was made: the script's line and function, read while it is built.

A node of the script's autograd class does not remember where it came from. So while the loss
graph is built (lossgraph.py), `recording` wraps the class's `__init__` (put back afterwards;
the script is not changed) and, for every node made, walks the Python frames above it: the
class's own methods (`__mul__`, `__radd__`...) are skipped, and the script's frames from there
up to the training loop's body are kept as a chain of (code, line), innermost first. Only
`id(node) -> chain` is kept: a node that dies frees its id, and the last node made with an id
is the one alive in the graph, so the record for a live node is its own.

`describe` turns a chain into what the page shows: the line and its text, the function (the
innermost one that is not a comprehension), the calls above it, and a `stage`: the function
when the node was made in a helper (`softmax`, `rmsnorm`, `linear (lm_head)`), else the role of
the model's statement (embedding, attention, MLP, residual, output: outline.py's flow), else
"training loop". The model's statements and their flow come from the outline (trace.py), so
the names are the script's own.

Cost, measured natively (CPython 3.11, CPU time, best of 8, default script, one step's graph of
~60k nodes): the build goes from ~450 to ~630 ms, about 3 us a node; the micrograd variant
(tests/variants/value_micrograd.py) from ~1.9 to ~2.3 s; in Pyodide (3.14, under Node) the
default script's from ~2.2 to ~2.7 s. Only `loss_graph` pays it, once per graph built.
"""

import contextlib
import sys

_MISSING = object()
_MAX_FRAMES = 8  # a node's chain: at most this many script frames (model calls are shallow)
FLOW_WORDS = {"embed": "embedding", "attn": "attention", "mlp": "MLP", "out": "output"}


def _class_codes(cls):
    """Code objects of the class's own methods (and what they define), to skip their frames."""
    out, todo = set(), []
    for klass in cls.__mro__:
        for member in vars(klass).values():
            func = getattr(member, "__func__", member)
            for f in (func, getattr(member, "fget", None)):
                code = getattr(f, "__code__", None)
                if code is not None:
                    todo.append(code)
    while todo:
        code = todo.pop()
        if code in out:
            continue
        out.add(code)
        todo.extend(c for c in code.co_consts if hasattr(c, "co_code"))
    return out


@contextlib.contextmanager
def recording(nodes, filename, chains):
    """While active, every node the class makes gets chains[id(node)] = ((code, line), ...)."""
    cls = nodes.cls
    own = cls.__dict__.get("__init__", _MISSING)
    init = cls.__init__
    skip = _class_codes(cls)
    kinds = {}  # code -> 0 skip (the class's, or not the script's), 1 keep, 2 keep and stop
    getframe = sys._getframe

    def kind_of(code):
        k = 0
        if code.co_filename == filename and code not in skip:
            k = 2 if code.co_name == "<module>" else 1
        kinds[code] = k
        return k

    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        frame, chain = getframe(1), []
        while frame is not None:
            code = frame.f_code
            k = kinds.get(code)
            if k is None:
                k = kind_of(code)
            if k:
                chain.append((code, frame.f_lineno))
                if k == 2 or len(chain) >= _MAX_FRAMES:
                    break
            elif chain:
                break  # past the script's frames: the bridge that ran them
            frame = frame.f_back
        chains[id(self)] = tuple(chain)

    cls.__init__ = __init__
    try:
        yield chains
    finally:
        if own is _MISSING:
            del cls.__init__
        else:
            cls.__init__ = own


def _name(code):
    return getattr(code, "co_qualname", code.co_name)


class Describer:
    """Chains -> {line, func, text, via, stage, flow}, with the outline's model statements."""

    def __init__(self, source, outline):
        self.lines = source.splitlines()
        self.statements = {(s["func"], s["line"]): s for s in outline.get("outline", [])}
        self.model = outline.get("model")
        self.one_layer = (outline.get("layers") or {}).get("count", 1) <= 1
        self.cache = {}

    def text(self, line):
        return self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""

    def __call__(self, chain):
        if not chain:
            return None
        hit = self.cache.get(chain)
        if hit is None:
            hit = self.cache[chain] = self._describe(chain)
        return hit

    def _describe(self, chain):
        frames = [(_name(code), line) for code, line in chain]
        named = [(f, line) for f, line in frames if not (f.split(".")[-1].startswith("<")
                                                           and f.split(".")[-1] != "<module>")]
        func = named[0][0] if named else frames[0][0]
        line = frames[0][1]
        # The innermost frame that is one of the model's statements (outline.py) gives the role.
        stmt = next((self.statements[(f, ln)] for f, ln in frames if (f, ln) in self.statements),
                    None)
        helper = func if stmt is None or func != stmt["func"] else None
        if helper == "<module>":
            helper = None
        stage = self._stage(stmt, helper)
        return {
            "line": line,
            "func": "training loop" if func == "<module>" else func,
            "text": self.text(line),
            "via": [{"func": "training loop" if f == "<module>" else f, "line": ln,
                     "text": self.text(ln)} for f, ln in named[1:]],
            "stage": stage,
            "flow": stmt["flow"] if stmt is not None else None,
        }

    def _stage(self, stmt, helper):
        if stmt is None:
            return helper or "training loop"
        flow = stmt.get("flow")
        role = FLOW_WORDS.get(flow, stmt["func"])
        if helper is None:
            return "residual" if stmt.get("residual") and flow in ("attn", "mlp") else role
        matrices = stmt.get("matrices") or []
        # Layer 0's matrix is what the outline names: with more layers say the role instead.
        what = matrices[0] if matrices and (self.one_layer or flow == "out") else role
        return f"{helper} ({what})"
