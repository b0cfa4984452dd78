"""Helpers for the bridge core's tests: the real script, its data, a driver for a Session.

Everything here also runs inside Pyodide (tests/pyodide/), so nothing needs a subprocess or
the network; tests that do are skipped there with `needs_process`. Fixtures are in conftest.py.
"""

import json
import re
import sys
from pathlib import Path

import pytest
from bridge.api import Session

PY = Path(__file__).resolve().parents[2] / "py"
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


class Driver:
    """A Session plus what it emitted; call() returns the result or fails the test."""

    def __init__(self, workdir):
        self.out = []
        self.session = Session(emit=lambda kind, payload: self.out.append((kind, payload)),
                               workdir=str(workdir))

    def raw(self, method, **args):
        return self.session.handle(method, json.dumps(args))

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
