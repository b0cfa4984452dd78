"""The tokenizer as the script itself runs it: its training loop's own lines, on any text.

The training loop turns its document into token ids with a few statements after it picks the
document (`tokens = [BOS] + [uchars.index(ch) for ch in doc] + [BOS]`, or `stoi[ch]`, or a call
of an `encode` function, plus `n = min(block_size, len(tokens) - 1)`). Those statements are
found from the AST: the ones after the document's, before the first that calls the model or
loops, that read the document or what was made from it. `encode(text)` runs them with the
document variable set to `text`, on a copy of the namespace, so the ids, the BOS at both ends
and the cut to the context length are whatever the loaded script does. The number of positions
the loop visits is the length of its position loop's own iterable, evaluated after them.

Everything else about the vocabulary is read from behaviour too:
  BOS (and a separate EOS)  the ids around an empty document: [BOS, BOS] or [BOS, EOS]
  a character's id          the id between them for a one-character document
  the size                  the length of the model's scores (probe.py)
  labels                    the script's own decoding table (a list, string or dict that
                            maps every id back to its character: uchars, chars, itos), which
                            also names the special tokens ('<BOS>') when it holds them

`tokenize` and `vocab` are the bridge methods of the Dataset & Tokenizer chapter.
"""

import ast
from collections import Counter
from dataclasses import dataclass

from . import program
from .errors import ScriptError, ScriptShapeError, from_exception

# Longer input is cut: the page shows one chip per character, and a name is short.
MAX_CHARS = 64


@dataclass
class Vocab:
    size: int
    bos: int | None
    eos: int | None  # None when the same token ends a document as starts it
    labels: list  # a label per id
    chars: dict  # character -> id, for every character of the documents
    decoder: str | None  # the script's name for its id -> character table

    def describe(self):
        return {"size": self.size, "bos": self.bos, "eos": self.eos, "labels": self.labels,
                "decoder": self.decoder}


class Tokenizer:
    """The training loop's tokenizing statements, compiled once."""

    def __init__(self, runner, doc_var, stmts, tokens_var, position_loop):
        self.runner = runner
        self.doc_var = doc_var
        self.stmts = stmts
        self.tokens_var = tokens_var
        self.code = runner.compile_loop_body(stmts)
        self.positions = (runner.compile_expr(position_loop.iter)
                          if position_loop is not None else None)
        self.lines = program.span(stmts)

    def encode(self, text):
        """(tokens, positions) for `text`; ScriptError if the script's own line raises."""
        scratch = dict(self.runner.ns)
        scratch[self.doc_var] = text
        runner = self.runner
        try:
            exec(self.code, scratch)
            tokens = scratch.get(self.tokens_var)
            n = None
            if self.positions is not None:
                try:
                    n = len(eval(self.positions, scratch))
                except Exception:  # an iterable with no length (a generator): unknown
                    n = None
        except (Exception, KeyboardInterrupt) as exc:
            raise from_exception(exc, runner.filename, "run") from None
        if not (isinstance(tokens, list | tuple) and all(type(t) is int for t in tokens)):
            raise ScriptShapeError(f"`{self.tokens_var}` is not a list of token ids", "bridge")
        return list(tokens), n


def find(runner, doc_index, doc_var, callee, probe_names, probe_tokens):
    """The Tokenizer of the training loop, or None.

    `probe_tokens` are the token ids the model was called with in the probe run: the tokens
    variable is the list the loop bound whose items those are."""
    train = runner.program.train
    if doc_var is None:
        return None
    body = list(train.before[doc_index + 1:]) if doc_index is not None else list(train.before)
    stmts, derived = [], {doc_var}
    for stmt in body:
        if _calls(stmt, callee) or _loops(stmt):
            break
        if program.loaded_names(stmt) & derived:  # made from the document (tokens, then n)
            stmts.append(stmt)
            derived |= program.stored_names(stmt)
    tokens_var = None
    for name in sorted({n for s in stmts for n in program.stored_names(s)}):
        value = probe_names.get(name)
        if isinstance(value, list | tuple) and list(value[: len(probe_tokens)]) == probe_tokens:
            if all(type(t) is int for t in value):
                tokens_var = name
    if not stmts or tokens_var is None:
        return None
    position_loop = _position_loop(train, callee)
    return Tokenizer(runner, doc_var, stmts, tokens_var, position_loop)


def _position_loop(train, callee):
    for stmt in list(train.before) + [train.inner]:
        for node in ast.walk(stmt):
            if isinstance(node, ast.For) and any(_calls(s, callee) for s in node.body):
                return node
    return None


def _calls(stmt, callee):
    return any(isinstance(n, ast.Call) and ast.unparse(n.func) == callee for n in ast.walk(stmt))


def _loops(stmt):
    return any(isinstance(n, ast.For | ast.While) for n in ast.walk(stmt))


def vocabulary(tokenizer, docs, size, ns):
    """The Vocab read from the script's own tokenizing lines and its decoding table."""
    frame, _ = tokenizer.encode("")
    chars = {}
    for ch in sorted(set("".join(str(d) for d in docs))):
        try:
            ids, _ = tokenizer.encode(ch)
        except ScriptError:
            continue  # a character the script's own tokenizer refuses: not in its vocabulary
        if len(ids) == len(frame) + 1:
            at = next((i for i in range(len(frame)) if ids[i] != frame[i]), len(frame))
            chars[ch] = ids[at]
    bos = frame[0] if frame else None
    eos = frame[-1] if len(frame) >= 2 and frame[-1] != frame[0] else None
    decoder, table = _decoder(ns, chars, size)
    labels = []
    for i in range(size):
        label = _label_from(table, i)
        if label is None:
            label = "BOS" if i == bos else "EOS" if i == eos else f"#{i}"
        labels.append(label)
    return Vocab(size, bos, eos, labels, chars, decoder)


def _decoder(ns, chars, size):
    """The script's id -> character table: the global whose [id] gives back every character."""
    if not chars:
        return None, None
    best = None
    for name, value in list(ns.items()):
        if name.startswith("__") or not isinstance(value, list | tuple | str | dict):
            continue
        try:
            if all(value[i] == ch for ch, i in chars.items()):
                covers = sum(1 for i in range(size) if _label_from(value, i) is not None)
                if best is None or covers > best[2]:
                    best = (name, value, covers)
        except (KeyError, IndexError, TypeError):
            continue
    return (best[0], best[1]) if best else (None, None)


def _label_from(table, i):
    if table is None:
        return None
    try:
        value = table[i]
    except (KeyError, IndexError, TypeError):
        return None
    return value if isinstance(value, str) and value else None


# ---- the bridge methods ----

def vocab(roles):
    """{labels, bos, eos, size, chars: [{ch, id, count}], total_chars, longest, decoder}."""
    v = roles.need("vocab")
    docs = roles.documents_list()
    counts = Counter()
    for doc in docs:
        counts.update(str(doc))
    longest = max((len(str(d)) for d in docs), default=0)
    return {
        **v.describe(),
        "chars": [{"ch": ch, "id": i, "count": counts[ch]} for ch, i in v.chars.items()],
        "total_chars": sum(counts.values()),
        # In shuffled order, without repeats: a few examples of the longest documents.
        "longest": list(dict.fromkeys(str(d) for d in docs if len(str(d)) == longest))[:3],
    }


def tokenize(roles, text):
    """The training loop's own tokenizing of `text`: ids, positions, (input -> target) pairs."""
    tok = roles.need("tokenizer")
    v = roles.vocab
    text = str(text)[:MAX_CHARS]  # str indexing counts code points: an emoji is one character
    out = {
        "text": text,
        "chars": [_char(tok, v, ch) for ch in text],
        "tokens": None,
        "n": None,
        "pairs": [],
        "error": None,
        "doc_var": tok.doc_var,
        "tokens_var": tok.tokens_var,
        "lines": tok.lines,
        "code": [ast.unparse(s) for s in tok.stmts],
    }
    try:
        tokens, n = tok.encode(text)
    except ScriptError as exc:  # e.g. ValueError from uchars.index: the page shows it, no crash
        out["error"] = {"type": exc.type, "message": exc.message, "line": exc.line, "col": exc.col}
        return out
    out["tokens"], out["n"] = tokens, n
    # The (input -> target) pairs the forward pass reads, tokens[pos] -> tokens[pos + 1]; the
    # loop visits only pos < n, so the rest are dropped.
    limit = n if n is not None else len(tokens) - 1
    out["pairs"] = [
        {"pos": pos, "input": tokens[pos], "target": tokens[pos + 1], "kept": pos < limit}
        for pos in range(len(tokens) - 1)
    ]
    return out


def _char(tok, v, ch):
    """One character's id by the script's own lines, the error they raise for it, or `skipped`
    when they run but add no token for it (a tokenizer that drops what it does not know)."""
    if v is not None and ch in v.chars:
        return {"ch": ch, "id": v.chars[ch], "error": None}
    try:
        ids, _ = tok.encode(ch)
        frame, _ = tok.encode("")
    except ScriptError as exc:
        return {"ch": ch, "id": None, "error": f"{exc.type}: {exc.message}"}
    if len(ids) <= len(frame):
        return {"ch": ch, "id": None, "error": None, "skipped": True}
    at = next((i for i in range(len(frame)) if ids[i] != frame[i]), len(frame))
    return {"ch": ch, "id": ids[at], "error": None}
