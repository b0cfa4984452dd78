"""The bridge works unchanged for an edited script: other sizes, other data, other formatting."""

import ast
import math

from _bridgecore import CHECK_LOSSES, SCRIPT, loss_text, variant

# Capitals, accents, a space and an apostrophe: an alphabet unlike the names list's.
WORDS = [
    "Émile", "Zoë", "Łukasz", "Søren", "Ñandú", "Ana María", "D'Arcy", "Þórr", "Dvořák", "Ines",
]


def test_bigger_model(driver):
    info = driver.load(source=variant(n_layer=2, n_embd=32, n_head=8))
    assert info["hyper"]["n_embd"] == 32 and info["missing"] == []
    per_layer = 4 * 32 * 32 + 2 * 4 * 32 * 32
    count = 2 * 27 * 32 + 16 * 32 + 2 * per_layer
    assert info["params"]["count"] == count
    assert "layer1.mlp_fc2" in info["params"]["names"]
    # The sizes are read from what the model does: two layers of eight heads of four numbers.
    assert driver.call("outline")["layers"] == {"count": 2, "heads": 8}
    attention = driver.call("attention", word="ab")
    assert (attention["n_layer"], attention["n_head"], attention["head_dim"]) == (2, 8, 4)
    (rec,) = driver.call("step", with_params=True)
    assert len(rec["data"]) == len(rec["grad"]) == count
    assert abs(rec["loss"] - math.log(27)) < 0.5  # an untrained model is near uniform
    sample = driver.call("sample", seed=0)
    assert all(len(s["probs"]) == 27 for s in sample["steps"])


def test_other_dataset(driver):
    info = driver.load(dataset="\n".join(WORDS) + "\n")
    alphabet = sorted(set("".join(WORDS)))
    assert info["num_docs"] == len(WORDS)
    assert info["vocab"]["labels"] == alphabet + ["BOS"] and info["vocab"]["size"] == len(alphabet) + 1
    assert "É" in alphabet and " " in alphabet
    assert info["longest_doc"] == max(len(w) for w in WORDS)
    records = driver.call("step", count=len(WORDS) + 1)  # wraps around the list
    assert {r["doc"] for r in records} == set(WORDS)
    text = driver.call("sample", seed=1)["text"]
    assert set(text) <= set(alphabet)


def test_reformatted_script_gives_the_same_numbers(driver):
    # No comments, other line breaks, other spacing: the phases come from the AST.
    stripped = ast.unparse(ast.parse(SCRIPT))
    driver.load(source="# edited\n\n" + stripped)
    losses = [loss_text(r["loss"]) for r in driver.call("step", count=3)]
    assert losses == [loss_text(CHECK_LOSSES[s]) for s in (1, 2, 3)]


def test_renamed_loop_variable_and_tuple_target(driver):
    # The bridge binds the loop target from the loop's own iterable, whatever its form.
    source = SCRIPT.replace(
        "for step in range(num_steps):",
        "for step, _unused in zip(range(num_steps), range(num_steps)):",
    )
    assert source != SCRIPT
    driver.load(source=source)
    losses = [loss_text(r["loss"]) for r in driver.call("step", count=2)]
    assert losses == [loss_text(CHECK_LOSSES[s]) for s in (1, 2)]


def test_loop_body_with_continue_and_break(driver):
    # `continue` skips the rest of a step; `break` ends training, as in the script itself.
    source = SCRIPT.replace(
        "    doc = docs[step % len(docs)]\n",
        "    if step == 1:\n        continue\n    if step == 3:\n        break\n"
        "    doc = docs[step % len(docs)]\n",
    )
    assert source != SCRIPT
    driver.load(source=source)
    records = driver.call("step", count=5)
    assert [r["step"] for r in records] == [1, 2, 3, 4]
    assert [r.get("flow") for r in records] == [None, "continue", None, "break"]
    assert loss_text(records[0]["loss"]) == loss_text(CHECK_LOSSES[1])
    assert driver.call("step") == []
