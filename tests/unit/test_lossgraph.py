"""The loss graph of one step, built from the script's own loop body without training."""

import random

import pytest
from _bridgecore import CHECK_LOSSES, loss_text


def model_state(d):
    params = d.call("params")
    return {k: list(params[k]) for k in ("data", "grad", "m", "v")}


def test_build_leaves_the_model_exactly_as_it_was(loaded):
    before = model_state(loaded)
    rng = random.getstate()
    built = loaded.call("loss_graph")
    assert built["step"] == 0 and built["steps_done"] == 0
    assert model_state(loaded) == before
    assert random.getstate() == rng
    assert loaded.call("info")["step"] == 0
    # Names the loop body bound are gone again; the script's own names are untouched.
    for name in ("step", "doc", "loss", "losses", "keys"):
        assert "NameError" in loaded.error("eval", code=name)["type"]
    assert loaded.call("eval", code="len(params)")["repr"] == "4192"
    # Training then runs the very step that was only looked at, with the same loss.
    (rec,) = loaded.call("step")
    assert rec["doc"] == built["doc"] and rec["loss"] == built["loss"]
    assert loss_text(rec["loss"]) == loss_text(CHECK_LOSSES[1])


def test_build_for_a_later_step_after_training(loaded):
    loaded.call("step", count=2)
    before = model_state(loaded)
    rng = random.getstate()
    docs = loaded.call("docs", start=0, count=10)
    built = loaded.call("loss_graph", step=7)
    assert built["doc"] == docs[7] and built["steps_done"] == 2
    assert built["tokens"][0] == built["tokens"][-1] == 26 and built["n"] == len(docs[7]) + 1
    assert model_state(loaded) == before and random.getstate() == rng
    # Default: the step training would take next.
    assert loaded.call("loss_graph")["doc"] == docs[2]
    (rec,) = loaded.call("step")
    assert rec["step"] == 3 and loss_text(rec["loss"]) == loss_text(CHECK_LOSSES[3])


def test_summary_and_grads_are_the_real_ones(loaded):
    built = loaded.call("loss_graph")
    s = built["summary"]
    assert s["nodes"] > 10_000 and sum(s["by_op"].values()) == s["nodes"]
    assert s["by_op"]["log"] == built["n"]  # one -log(p) per position
    root = loaded.call("loss_graph_expand")
    assert root["id"] == s["root_id"] and root["grad"] == 1 and root["data"] == built["loss"]
    # The parameters' grads from this graph's backward equal a real step's grads.
    walk = loaded.call("loss_graph_path", to="wte")
    leaf = walk[-1]
    assert leaf["label"].startswith("wte[") and leaf["op"] == "leaf" and leaf["n_children"] == 0
    (rec,) = loaded.call("step", with_params=True)
    row, col = (int(x) for x in leaf["label"][4:-1].split("]["))
    index = row * loaded.call("info")["hyper"]["n_embd"] + col  # wte comes first in params
    assert leaf["grad"] == rec["grad"][index] != 0
    # After the update the shared parameter moved, but the graph still reports its step's numbers.
    assert loaded.call("loss_graph_expand", node_id=leaf["id"])["grad"] == leaf["grad"]


def test_path_walks_parent_to_child(loaded):
    loaded.call("loss_graph")
    walk = loaded.call("loss_graph_path", to="wte")
    assert walk[0]["id"] == loaded.call("loss_graph")["summary"]["root_id"]
    for parent, child in zip(walk, walk[1:], strict=False):
        assert child["id"] in [c["id"] for c in parent["children"]]
        assert loaded.call("loss_graph_expand", node_id=child["id"]) == child
    exact = walk[-1]["label"]
    assert loaded.call("loss_graph_path", to=exact)[-1]["label"] == exact
    assert "no parameter" in loaded.error("loss_graph_path", to="nothing")["message"]


def test_errors_and_rollback(loaded):
    assert "build one" in loaded.error("loss_graph_expand")["message"]
    assert ">= 0" in loaded.error("loss_graph", step=-1)["message"]
    assert "no step 1001" in loaded.error("loss_graph", step=1000)["message"]
    before = model_state(loaded)
    # A forward pass that changes a parameter and then fails is rolled back like a step.
    loaded.call("eval", code=(
        "_gpt = gpt\n"
        "def gpt(*args):\n"
        "    params[0].data += 1.0\n"
        "    raise RuntimeError('boom')\n"))
    err = loaded.error("loss_graph")
    assert err["type"] == "RuntimeError" and err["message"] == "boom"
    assert model_state(loaded) == before
    loaded.call("eval", code="gpt = _gpt")
    assert loaded.call("loss_graph")["loss"] == pytest.approx(CHECK_LOSSES[1], abs=5e-5)


def test_a_newly_loaded_script_forgets_the_graph(loaded):
    loaded.call("loss_graph")
    loaded.load()
    assert "build one" in loaded.error("loss_graph_expand")["message"]
