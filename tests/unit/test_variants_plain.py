"""Every script of the variant corpus (tests/variants) runs as a plain process and prints sane losses.

Each variant runs with `python -u` in a temporary directory holding its data file, and is killed
after its fifth step line. The runs are the session's `plain_runs` (conftest.py), shared with
test_variants.py: one run per script, side by side, one per CPU.
"""

import ast
import math
import sys

import pytest
from _bridgecore import variants_harness

if sys.platform == "emscripten":  # Pyodide has no subprocesses
    pytest.skip("runs the variants as host processes", allow_module_level=True)

plain = variants_harness()
VARIANTS = plain.variants()
COUNT = 5


def test_the_corpus():
    assert len(VARIANTS) >= 15
    for path in VARIANTS:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and 2 <= len(doc.splitlines()) <= 4, f"{path.name}: a module docstring of 2-4 lines"
        relative, text = plain.data_for(path)  # the header parses, its data file exists
        assert relative and text.strip()
    assert sum(plain.same_first_loss(p) for p in VARIANTS) >= 5


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: p.stem)
def test_variant_runs_as_a_plain_process(path, plain_runs):
    losses = plain_runs[path].result()
    assert len(losses) == COUNT
    values = [float(x) for x in losses]
    assert all(math.isfinite(x) and 0.5 <= x <= 6 for x in values), losses
    if plain.same_first_loss(path):
        # Same seed, same sizes, same data: the first step is microgpt.py's, to the printed digit.
        assert losses[0] == plain_runs[plain.MICROGPT].result()[0]
