"""Every script of the variant corpus (tests/variants) runs as a plain process and prints sane losses.

Each variant runs with `python -u` in a temporary directory holding its data file, and is killed
after its fifth step line. The runs of the selected tests start side by side, one per CPU.
"""

import ast
import importlib.util
import math
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

if sys.platform == "emscripten":  # tests/pyodide copies tests/unit only, and Pyodide has no subprocesses
    pytest.skip("runs the variants as host processes", allow_module_level=True)

_spec = importlib.util.spec_from_file_location("variants_plain", Path(__file__).parents[1] / "variants" / "plain.py")
plain = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(plain)

VARIANTS = plain.variants()
COUNT = 5


def _cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@pytest.fixture(scope="module")
def runs(request):
    """{script path: future of its first COUNT plain losses}, for the variants this session tests.

    microgpt.py itself is run too when a selected variant says its first loss is microgpt.py's.
    """
    paths = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and getattr(item, "module", None) is request.module and "path" in callspec.params:
            paths.append(callspec.params["path"])
    paths = list(dict.fromkeys(paths))
    if any(plain.same_first_loss(p) for p in paths):
        paths.insert(0, plain.MICROGPT)
    with ThreadPoolExecutor(max_workers=max(1, min(4, _cpus()))) as pool:
        futures = {p: pool.submit(plain.plain_losses, p, COUNT) for p in paths}
        yield futures
        for f in futures.values():
            f.cancel()


def test_the_corpus():
    assert len(VARIANTS) >= 15
    for path in VARIANTS:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and 2 <= len(doc.splitlines()) <= 4, f"{path.name}: a module docstring of 2-4 lines"
        relative, text = plain.data_for(path)  # the header parses, its data file exists
        assert relative and text.strip()
    assert sum(plain.same_first_loss(p) for p in VARIANTS) >= 5


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: p.stem)
def test_variant_runs_as_a_plain_process(path, runs):
    losses = runs[path].result()
    assert len(losses) == COUNT
    values = [float(x) for x in losses]
    assert all(math.isfinite(x) and 0.5 <= x <= 6 for x in values), losses
    if plain.same_first_loss(path):
        # Same seed, same sizes, same data: the first step is microgpt.py's, to the printed digit.
        assert losses[0] == runs[plain.MICROGPT].result()[0]
