"""The script's phases and highlighted parts come from its AST, whatever its text looks like."""

import ast

import pytest
from _bridgecore import SCRIPT, variant
from bridge import script


def lines(source, span):
    first, last = span
    return source.splitlines()[first - 1 : last]


def check_ranges(source):
    """The parts the page highlights start where they should, read from the text itself."""
    r = script.parse(source, "microgpt.py").line_ranges()
    assert lines(source, r["gpt"])[0].startswith("def gpt(")
    assert lines(source, r["linear"])[0].startswith("def linear(")
    assert lines(source, r["softmax"])[0].startswith("def softmax(")
    assert lines(source, r["rmsnorm"])[0].startswith("def rmsnorm(")
    assert lines(source, r["Value"])[0].startswith("class Value")
    assert lines(source, r["Value.backward"])[0].strip().startswith("def backward(")
    assert lines(source, r["train"])[0].startswith("for step in range(num_steps)")
    assert lines(source, r["train.backward"]) == ["    loss.backward()"]
    assert any("p.grad = 0" in line for line in lines(source, r["train.update"]))
    assert any("losses.append" in line for line in lines(source, r["train.forward"]))
    assert any("tokens = [BOS]" in line for line in lines(source, r["train.tokens"]))
    assert any("uchars = sorted" in line for line in lines(source, r["tokenizer"]))
    assert any("vocab_size = " in line for line in lines(source, r["tokenizer"]))
    assert any("state_dict = {" in line for line in lines(source, r["state_dict"]))
    assert any("mlp_fc2" in line for line in lines(source, r["state_dict"]))
    assert any("params = [" in line for line in lines(source, r["params"]))
    assert any("n_head = " in line for line in lines(source, r["hyper"]))
    assert any("docs = " in line for line in lines(source, r["dataset"]))
    assert any("beta1" in line for line in lines(source, r["adam"]))
    assert lines(source, r["sample"])[0].startswith("for sample_idx in range(")
    assert lines(source, r["sample.position"])[0].strip().startswith("for pos_id in range(")
    # The phases tile the script: setup ends before training starts, inference after it ends.
    assert r["setup"][1] < r["train"][0] <= r["train"][1] < r["inference"][0]
    return r


def test_phases_of_the_original():
    shape = script.parse(SCRIPT, "microgpt.py")
    assert shape.train is not None and shape.sample is not None
    assert isinstance(shape.train.inner, ast.Expr)  # loss.backward()
    assert shape.inference_constant("temperature") == 0.5
    check_ranges(SCRIPT)


def test_nothing_depends_on_text_or_line_numbers():
    # ast.unparse drops every comment and blank line and reformats every statement.
    stripped = ast.unparse(ast.parse(SCRIPT))
    assert "# " not in stripped and stripped.splitlines()[10] != SCRIPT.splitlines()[10]
    r_stripped = check_ranges(stripped)
    # Extra lines at the top shift every range by the same amount.
    shifted = "# a note\n\n\n" + SCRIPT
    r_orig = script.parse(SCRIPT, "microgpt.py").line_ranges()
    r_shift = check_ranges(shifted)
    assert r_shift["gpt"] == [r_orig["gpt"][0] + 3, r_orig["gpt"][1] + 3]
    assert set(r_stripped) == set(r_orig)


def test_bigger_model_same_shape():
    source = variant(n_layer=2, n_embd=32, n_head=8)
    check_ranges(source)


def test_no_training_loop():
    shape = script.parse("x = 1\nfor i in range(3):\n    print(i)\n", "s.py")
    assert shape.train is None and shape.sample is None
    assert len(shape.setup) == 2
    assert shape.line_ranges() == {"setup": [1, 3]}


def test_syntax_error_propagates():
    with pytest.raises(SyntaxError) as info:
        script.parse("x = (1,\n", "s.py")
    assert info.value.lineno == 1
