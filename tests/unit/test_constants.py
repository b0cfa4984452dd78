"""bridge.constants: the spans of the script's top-level constants, found from the AST."""

from pathlib import Path

import pytest
from bridge.api import Session
from bridge.constants import constants
from bridge.errors import ScriptError

SCRIPT = (Path(__file__).resolve().parents[2] / "py" / "microgpt.py").read_text(encoding="utf-8")


def _text(source, span):
    lines = source.splitlines()
    assert span["line"] == span["end_line"]
    return lines[span["line"] - 1][span["col"] : span["end_col"]]


def test_the_scripts_hyperparameters_and_their_spans():
    found = constants(SCRIPT)
    for name, value in [("n_embd", 16), ("n_head", 4), ("n_layer", 1), ("block_size", 16),
                        ("num_steps", 1000), ("learning_rate", 0.01), ("temperature", 0.5)]:
        assert found[name]["value"] == value
        assert _text(SCRIPT, found[name]) == repr(value)
    assert "head_dim" not in found  # an expression, not a constant


def test_tuple_unpacking_negative_numbers_and_unicode_columns():
    source = "s = 'é'; a, b = -1, 2.5e-3\nc = 'x'  # c\n"
    found = constants(source)
    assert found["a"]["value"] == -1 and _text(source, found["a"]) == "-1"
    assert _text(source, found["b"]) == "2.5e-3"
    assert found["c"]["value"] == "x"


def test_a_syntax_error_reports_its_place_through_the_session():
    answer = Session().handle("constants", {"source": "x = (\n"})
    assert not answer["ok"]
    assert answer["error"]["phase"] == "parse" and answer["error"]["line"] >= 1


def test_nested_assignments_are_not_top_level():
    assert constants("def f():\n    x = 1\n") == {}
    with pytest.raises(ScriptError):
        constants("x = = 1")
