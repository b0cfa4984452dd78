"""The tokenizer as the script itself runs it, for the page's Dataset & Tokenizer chapter.

`tokenize(runner, text)` runs the training loop's own statements that make `tokens` and `n`
(the `train.tokens` phase, found from the AST) with the loop's document variable bound to the
user's text, so the ids, the BOS at both ends and the truncation to `block_size` are whatever
the loaded script does, edits included. They run on a shallow copy of the script's namespace:
the script's own `doc`, `tokens` and `n` are left as training last set them.

`vocab(runner)` describes the vocabulary: each character's id and how often it occurs in `docs`.
"""

import ast
from collections import Counter

from . import script as script_shape
from .errors import ScriptError, ScriptShapeError

# Longer input is cut: the page shows one chip per character, and a name is short.
MAX_CHARS = 64
# The variables the training loop derives from a document; the document's own variable is
# whatever these statements read that the loop set before them.
DERIVED = {"tokens", "n"}


def vocab(runner):
    ns = runner.ns
    uchars, docs = _need(ns, "uchars"), ns.get("docs")
    docs = docs if isinstance(docs, list) else []
    counts = Counter()
    for doc in docs:
        counts.update(str(doc))
    longest = max((len(str(d)) for d in docs), default=0)
    return {
        "uchars": [str(c) for c in uchars],
        "BOS": ns.get("BOS"),
        "counts": [counts[c] for c in uchars],
        "total_chars": sum(counts.values()),
        # In shuffled order, without repeats: a few examples of the longest names.
        "longest": list(dict.fromkeys(str(d) for d in docs if len(str(d)) == longest))[:3],
    }


def tokenize(runner, text):
    ns = runner.ns
    uchars = _need(ns, "uchars")
    text = str(text)[:MAX_CHARS]  # str indexing counts code points: an emoji is one character
    chars = [_char(uchars, ch) for ch in text]
    block_size = ns.get("block_size")
    found = _token_statements(runner.shape)
    out = {
        "text": text,
        "chars": chars,
        "tokens": None,
        "n": None,
        "block_size": block_size if isinstance(block_size, int) else None,
        "pairs": [],
        "error": None,
        "source": "script" if found else "bridge",
        "doc_var": found[1] if found else None,
        "lines": _span(found[0]) if found else None,
    }
    try:
        if found:
            tokens, n = _run_script_statements(runner, found[0], found[1], text)
        else:
            tokens, n = _mirror(ns, text)
    except ScriptError as exc:  # e.g. ValueError from uchars.index: the page shows it, no crash
        out["error"] = {"type": exc.type, "message": exc.message, "line": exc.line, "col": exc.col}
        return out
    if not (isinstance(tokens, list) and all(isinstance(t, int) for t in tokens)):
        out["error"] = {
            "type": "TypeError",
            "message": "`tokens` is not a list of integer ids",
            "line": None,
            "col": None,
        }
        return out
    out["tokens"] = tokens
    out["n"] = n if isinstance(n, int) else None
    # The (input -> target) pairs the forward pass reads, tokens[pos] -> tokens[pos + 1]; the
    # loop visits only pos < n, so the rest are dropped.
    limit = out["n"] if out["n"] is not None else len(tokens) - 1
    out["pairs"] = [
        {"pos": pos, "input": tokens[pos], "target": tokens[pos + 1], "kept": pos < limit}
        for pos in range(len(tokens) - 1)
    ]
    return out


def _need(ns, name):
    value = ns.get(name)
    if not isinstance(value, list | str):
        raise ScriptShapeError(f"no variable `{name}` (the list of characters)", "bridge")
    return value


def _char(uchars, ch):
    """One character's id by the script's own `uchars.index`, or the error that call raises."""
    try:
        return {"ch": ch, "id": uchars.index(ch), "error": None}
    except ValueError as exc:
        return {"ch": ch, "id": None, "error": f"ValueError: {exc}"}


def _token_statements(shape):
    """([statements that make tokens and n], document variable), or None if not found."""
    if shape.train is None:
        return None
    before = shape.train.before
    index = next(
        (i for i, s in enumerate(before) if script_shape._stored_names(s) & DERIVED), None
    )
    if index is None:
        return None
    stmts = [s for s in before[index:] if script_shape._stored_names(s) & DERIVED]
    set_earlier = script_shape._stored_names(
        ast.Assign(targets=[shape.train.node.target], value=ast.Constant(0))
    )
    for s in before[:index]:
        set_earlier |= script_shape._stored_names(s)
    read = script_shape._loaded_names(stmts[0])
    candidates = sorted(read & set_earlier)
    if len(candidates) != 1:
        return None  # cannot tell which variable holds the document
    return stmts, candidates[0]


def _run_script_statements(runner, stmts, doc_var, text):
    scratch = dict(runner.ns)
    scratch[doc_var] = text
    code = runner.compile_loop_body(stmts)  # loop-body code: a `continue` in it still compiles
    with runner.running("run"):
        exec(code, scratch)
    return scratch.get("tokens"), scratch.get("n")


def _mirror(ns, text):
    """No training loop to borrow from: the original script's two lines, with its names."""
    uchars, bos, block_size = ns["uchars"], ns.get("BOS"), ns.get("block_size")
    try:
        tokens = [bos] + [uchars.index(ch) for ch in text] + [bos]
    except ValueError as exc:
        raise ScriptError("ValueError", str(exc)) from None
    n = min(block_size, len(tokens) - 1) if isinstance(block_size, int) else None
    return tokens, n


def _span(stmts):
    return [min(s.lineno for s in stmts), max(s.end_lineno for s in stmts)]
