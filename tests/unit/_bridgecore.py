"""Helpers for the bridge core's tests: the real script, its data, a driver for a Session.

Everything here also runs inside Pyodide (tests/pyodide/), so nothing needs a subprocess or
the network; tests that do are skipped there with `needs_process`. Fixtures are in conftest.py.
"""

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from bridge.api import Session

PY = Path(__file__).resolve().parents[2] / "py"
VARIANTS_DIR = Path(__file__).resolve().parents[1] / "variants"
SCRIPT_PATH = PY / "microgpt.py"
NAMES_PATH = PY / "data" / "names.txt"
SCRIPT = SCRIPT_PATH.read_text(encoding="utf-8")
NAMES = NAMES_PATH.read_text(encoding="utf-8")

IN_PYODIDE = sys.platform == "emscripten"
needs_process = pytest.mark.skipif(
    IN_PYODIDE, reason="Pyodide has no subprocess to run microgpt.py as a plain process"
)

# What `python microgpt.py` prints with the names list (checked against a real run too).
CHECK_DOCS, CHECK_VOCAB, CHECK_PARAMS = 32033, 27, 4192
CHECK_LOSSES = {
    1: 3.3660, 2: 3.4243, 3: 3.1778, 4: 3.0664, 5: 3.2209,
    18: 2.8977, 19: 2.7073, 20: 2.7453,
}
CHECK_SAMPLES = ["kamon", "ann", "karai", "jaire", "vialan"]

# Capitals with accented letters and a space: a vocabulary unlike the names'.
CAPITALS = "\n".join(
    [
        "bogotá", "brasília", "reykjavík", "asunción", "yaoundé", "san josé", "lomé",
        "nouakchott", "bucureşti", "praha", "wien", "athína", "kraków", "méxico",
    ]
)


class Driver:
    """A Session plus what it emitted; call() returns the result or fails the test."""

    def __init__(self, workdir):
        self.out = []
        self.session = Session(emit=lambda kind, payload: self.out.append((kind, payload)),
                               workdir=str(workdir))

    def raw(self, method, **args):
        return self.session.handle(method, args)

    def call(self, method, **args):
        reply = self.raw(method, **args)
        assert reply["ok"], reply["error"]
        return reply["result"]

    def error(self, method, **args):
        reply = self.raw(method, **args)
        assert not reply["ok"], f"{method} should have failed"
        return reply["error"]

    def load(self, source=SCRIPT, dataset=NAMES, **args):
        return self.call("load", source=source, dataset=dataset, **args)

    @property
    def ns(self):
        """The loaded script's own namespace, for plain calls of its functions to compare with."""
        return self.session.runner.ns

    @property
    def roles(self):
        return self.session.roles

    def printed(self, phase=None):
        """Everything the script printed (in one phase, if given), in order."""
        texts = [p["text"] for k, p in self.out if k == "stdout"]
        phases = [p["phase"] for k, p in self.out if k == "stdout"]
        return "".join(t for t, ph in zip(texts, phases, strict=True) if phase in (None, ph))


def variant(source=SCRIPT, **consts):
    """The script with top-level constants changed by regex, e.g. variant(n_layer=2)."""
    for name, value in consts.items():
        source, count = re.subn(rf"(?m)^{name} = [^#\n]+", f"{name} = {value!r}  ", source)
        assert count == 1, f"no top-level `{name} = ...` line in the script"
    return source


def loss_text(x):
    """Losses as the script prints them, so comparisons are exactly the check figures."""
    return f"{x:.4f}"


_HARNESS = []


def variants_harness():
    """tests/variants/plain.py as a module: `variants()`, `data_for()`, `plain_losses()`...

    Importing it starts nothing, so it loads in Pyodide too (it only runs processes when asked)."""
    if not _HARNESS:
        spec = importlib.util.spec_from_file_location("variants_plain", VARIANTS_DIR / "plain.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _HARNESS.append(module)
    return _HARNESS[0]


def source_lines(source, span):
    """The lines of `source` in a [first, last] range (1-based, inclusive)."""
    first, last = span
    return source.splitlines()[first - 1 : last]


def line_of(source, text, start=1):
    """The number of the first line at or after `start` that contains `text`."""
    return next(i for i, line in enumerate(source.splitlines(), 1) if i >= start and text in line)


def plain_run(ns, word, upto):
    """The script's own gpt() called for positions 0..upto of `word` the way its training loop
    calls it, outside the bridge: (logits, keys, values)."""
    tokens = [ns["BOS"]] + [ns["uchars"].index(c) for c in word] + [ns["BOS"]]
    n_layer = ns["n_layer"]
    keys, values = [[] for _ in range(n_layer)], [[] for _ in range(n_layer)]
    logits = None
    for pos in range(upto + 1):
        logits = ns["gpt"](tokens[pos], pos, keys, values)
    return logits, keys, values


def floats(obj):
    """Values (nested in lists) as their data."""
    if isinstance(obj, list | tuple):
        return [floats(v) for v in obj]
    return obj.data if hasattr(obj, "_children") else obj
