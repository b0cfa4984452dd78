"""The script's parts come from its AST and from running it, whatever its text looks like:
program.py cuts it into setup, training loop and what follows (a `main()`, an `if` on the way to
the loop), and phases.py names the line ranges by role, checked against the script's own text."""

import ast

import pytest
from _bridgecore import CHECK_LOSSES, SCRIPT, Driver, loss_text, source_lines, variant
from bridge import program


def first_last(source, span):
    lines = source_lines(source, span)
    return lines[0].strip(), lines[-1].strip()


def check_ranges(source, r):
    """The ranges by role are the right statements: their first and last lines, found in the text."""

    def starts(name, first, last=None):
        got_first, got_last = first_last(source, r[name])
        assert got_first.startswith(first), (name, got_first)
        if last is not None:
            assert last in got_last, (name, got_last)

    starts("imports", "import os", "random.seed(42)")
    starts("dataset", "if not os.path.exists('input.txt')", "num docs")
    starts("tokenizer", "uchars = sorted(set(", "vocab size")
    starts("hyper", "n_layer = ", "head_dim = n_embd // n_head")
    starts("params", "matrix = lambda nout, nin", "num params")
    starts("adam", "learning_rate, beta1, beta2, eps_adam = ")
    assert any(line.startswith("v = [0.0] * len(params)") for line in source_lines(source, r["adam"]))
    starts("autograd", "class Value", "child.grad += local_grad * v.grad")
    assert r["autograd"] == r["Value"]
    starts("autograd.backward", "def backward(self):")
    assert r["autograd.backward"] == r["Value.backward"]
    starts("model", "def gpt(", "return logits")
    assert r["model"] == r["gpt"]
    for helper in ("linear", "softmax", "rmsnorm"):
        starts(helper, f"def {helper}(")
        assert r[f"model.{helper}"] == r[helper]
    starts("train", "for step in range(num_steps):", "| loss")
    starts("train.forward", "doc = docs[step % len(docs)]", "sum(losses)")
    starts("train.tokens", "tokens = [BOS] + [uchars.index(ch) for ch in doc]", "n = min(block_size, len(tokens) - 1)")
    assert source_lines(source, r["train.backward"]) == ["    loss.backward()"]
    starts("train.update", "lr_t = learning_rate * (1 - step / num_steps)", "| loss")
    assert any("p.grad = 0" in line for line in source_lines(source, r["train.update"]))
    starts("train.schedule", "lr_t = learning_rate * (1 - step / num_steps)")
    assert r["train.schedule"][0] == r["train.schedule"][1]
    starts("inference", "temperature = 0.5", "sample")
    starts("sample", "for sample_idx in range(20):", "print(f")
    starts("sample.position", "for pos_id in range(block_size):", "sample.append(uchars[token_id])")
    # The phases tile the script: setup ends before training starts, inference after it ends.
    assert r["setup"][0] < r["imports"][0] and r["setup"][1] < r["train"][0] <= r["train"][1] < r["inference"][0]
    assert r["inference"][1] == len(source.rstrip("\n").splitlines())
    for group in ("imports", "dataset", "tokenizer", "hyper", "params", "adam"):
        assert r["setup"][0] <= r[group][0] <= r[group][1] <= r["setup"][1], group
    return r


@pytest.fixture(scope="module")
def default_phases(tmp_path_factory):
    driver = Driver(tmp_path_factory.mktemp("phases"))
    return driver.load()["phases"]


def test_phases_of_the_default_script(default_phases):
    check_ranges(SCRIPT, default_phases)


def test_nothing_depends_on_text_or_line_numbers(driver, default_phases):
    # ast.unparse drops every comment and blank line and reformats every statement.
    stripped = ast.unparse(ast.parse(SCRIPT))
    assert "# " not in stripped and stripped.splitlines()[10] != SCRIPT.splitlines()[10]
    r_stripped = check_ranges(stripped, driver.load(source=stripped)["phases"])
    assert set(r_stripped) == set(default_phases)
    # Extra lines at the top shift every range by the same amount.
    shifted = "# a note\n\n\n" + SCRIPT
    r_shift = check_ranges(shifted, driver.load(source=shifted)["phases"])
    assert {k: [a - 3, b - 3] for k, (a, b) in r_shift.items()} == default_phases


def test_bigger_model_same_shape(driver):
    source = variant(n_layer=2, n_embd=32, n_head=8)
    check_ranges(source, driver.load(source=source)["phases"])


def test_a_script_with_no_training_loop(driver):
    shape = program.parse("x = 1\nfor i in range(3):\n    print(i)\n", "s.py")
    assert shape.train is None and len(shape.setup) == 2 and shape.after == []
    info = driver.load(source="x = 1\nfor i in range(3):\n    print(i)\n", dataset="ab\n")
    assert info["phases"] == {"setup": [1, 3]}
    assert driver.printed("run") == "0\n1\n2\n"


def test_syntax_error_propagates():
    with pytest.raises(SyntaxError) as info:
        program.parse("x = (1,\n", "s.py")
    assert info.value.lineno == 1


def test_the_training_loop_is_cut_at_backward():
    shape = program.parse(SCRIPT, "microgpt.py")
    train = shape.train
    assert ast.unparse(train.node.target) == "step"
    assert ast.unparse(train.inner) == "loss.backward()"
    assert ast.unparse(train.before[0]) == "doc = docs[step % len(docs)]"
    assert ast.unparse(train.after[0]).startswith("lr_t = learning_rate")
    assert [ast.unparse(s) for s in shape.after][0] == "temperature = 0.5"
    assert shape.branches == []


MAIN = """\
import random
def helper():
    return 1
def main():
    global seen
    seen = helper()
    for step in range(3):
        loss = Thing()
        loss.backward()
        seen += 1
    print('done', seen)
    return
if __name__ == '__main__':
    main()
"""


def test_main_function_is_opened_up():
    shape = program.parse(MAIN, "s.py")
    assert shape.train is not None and ast.unparse(shape.train.node.target) == "step"
    # The top-level statements, then main()'s body in place of the call: no `global`, no `return`.
    assert [ast.unparse(s).splitlines()[0] for s in shape.setup] == [
        "import random", "def helper():", "def main():", "seen = helper()"]
    assert [ast.unparse(s) for s in shape.after] == ["print('done', seen)"]
    assert [ast.unparse(s) for s in shape.train.after] == ["seen += 1"]


BRANCHED = """\
import os
x = 1
if os.path.exists('model.json'):
    weights = 'loaded'
else:
    for step in range(2):
        loss = Thing()
        loss.backward()
    weights = 'trained'
print(weights)
"""


def test_an_if_on_the_way_to_the_loop_is_decided_by_the_script():
    tree = ast.parse(BRANCHED)
    body = program.unwrap(tree.body, tree.body)
    # Statically, the branch that holds the training loop.
    shape = program.cut(tree, body)
    assert shape.train is not None and [taken for _, taken in shape.branches] == [False]
    assert [ast.unparse(s) for s in shape.train.after] == []
    assert [ast.unparse(s) for s in shape.after] == ["weights = 'trained'", "print(weights)"]
    # Run as the script would: `choose` gets the `if` once the statements before it have run.
    asked = []

    def choose(node, before):
        asked.append((ast.unparse(node.test), [ast.unparse(s) for s in before]))
        return exists

    exists = True  # saved weights: no training, the loaded branch and what follows
    shape = program.cut(tree, body, choose)
    assert asked == [("os.path.exists('model.json')", ["import os", "x = 1"])]
    assert shape.train is None
    assert [ast.unparse(s) for s in shape.setup] == ["import os", "x = 1", "weights = 'loaded'"]
    assert [ast.unparse(s) for s in shape.after] == ["print(weights)"]
    exists = False  # none: the loop in the else branch
    shape = program.cut(tree, body, choose)
    assert shape.train is not None and shape.branches[0][1] is False
    assert [ast.unparse(s) for s in shape.after] == ["weights = 'trained'", "print(weights)"]


def test_a_script_that_trains_unless_saved_weights_exist(driver):
    # The training loop inside `if not os.path.exists(...)`: the Session's fresh folder has no
    # saved file, so the script's own test takes the training branch.
    source = SCRIPT.replace("num_steps = 1000\nfor step in range(num_steps):\n",
                            "num_steps = 1000\nif not os.path.exists('saved.json'):\n  for step in range(num_steps):\n")
    lines = source.splitlines(True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  for step in range(num_steps):"))
    end = next(i for i, line in enumerate(lines) if line.startswith("# Inference"))
    source = "".join(lines[: start + 1] + ["  " + line if line.strip() else line for line in lines[start + 1: end]]
                     + lines[end:])
    info = driver.load(source=source)
    assert "training" not in info["roles"]["missing"] and info["missing"] == []
    records = driver.call("step", count=2)
    assert [loss_text(r["loss"]) for r in records] == [loss_text(CHECK_LOSSES[1]), loss_text(CHECK_LOSSES[2])]
    assert first_last(source, info["phases"]["train"])[0] == "for step in range(num_steps):"
