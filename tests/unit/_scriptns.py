"""Build the namespace of microgpt.py's setup without the bridge core, for the observer tests.

It does what the bridge does before training: write the data set as input.txt, run every
top-level statement before the training loop under the script's own filename, and register
the source in linecache so its lines can be looked up. Kept apart from conftest.py, which
belongs to the bridge core's tests.
"""

import ast
import contextlib
import io
import linecache
import os
import re
import tempfile
from pathlib import Path

PY = Path(__file__).resolve().parents[2] / "py"
SCRIPT = (PY / "microgpt.py").read_text(encoding="utf-8")
NAMES = (PY / "data" / "names.txt").read_text(encoding="utf-8")

# Capitals with accented letters and a space: a vocabulary unlike the names'.
CAPITALS = "\n".join(
    [
        "bogotá", "brasília", "reykjavík", "asunción", "yaoundé", "san josé", "lomé",
        "nouakchott", "bucureşti", "praha", "wien", "athína", "kraków", "méxico",
    ]
)


def _is_training_loop(node):
    if not isinstance(node, ast.For):
        return False
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "backward"
        for n in ast.walk(node)
    )


def build_ns(source=SCRIPT, data=NAMES, filename="microgpt.py"):
    with tempfile.TemporaryDirectory() as tmp_dir:
        return _build(tmp_dir, source, data, filename)


_SHARED = {}


def shared_ns(source=SCRIPT, data=NAMES, filename="microgpt.py"):
    """One namespace per (script, data, filename) for tests that do not change the model."""
    key = (source, data, filename)
    if key not in _SHARED:
        _SHARED[key] = build_ns(source, data, filename)
    else:  # other tests may have loaded another text under the same filename since
        _remember(source, filename)
    return _SHARED[key]


def _remember(source, filename):
    # What the bridge does so tracebacks (and the observers) can read the script's lines.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)


def _build(tmp_dir, source, data, filename):
    tree = ast.parse(source)
    cut = next(i for i, n in enumerate(tree.body) if _is_training_loop(n))
    setup = ast.Module(body=tree.body[:cut], type_ignores=[])
    code = compile(setup, filename, "exec")
    _remember(source, filename)
    Path(tmp_dir, "input.txt").write_text(data, encoding="utf-8")
    ns = {"__name__": "__main__", "__file__": filename}
    old = os.getcwd()
    os.chdir(tmp_dir)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(code, ns)
    finally:
        os.chdir(old)
    return ns


def plain_run(ns, tokens, upto):
    """Call the script's gpt() for positions 0..upto the way its training loop does."""
    n_layer = ns["n_layer"]
    keys, values = [[] for _ in range(n_layer)], [[] for _ in range(n_layer)]
    logits = None
    for pos in range(upto + 1):
        logits = ns["gpt"](tokens[pos], pos, keys, values)
    return logits, keys, values


def floats(obj):
    if isinstance(obj, list):
        return [floats(v) for v in obj]
    return obj.data if hasattr(obj, "_children") else obj


def variant(source=SCRIPT, **consts):
    """The script with top-level constants changed, e.g. variant(n_layer=2, n_embd=32)."""
    for name, value in consts.items():
        source, count = re.subn(rf"(?m)^{name} = [^#\n]+", f"{name} = {value!r}  ", source)
        assert count == 1, name
    return source
