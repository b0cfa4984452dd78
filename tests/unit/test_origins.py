"""Each node of the loss graph says which line of the script made it, in which function, and the
stage of the model it belongs to (bridge/origins.py), for microgpt's Value and a micrograd one."""

import pytest
from _bridgecore import SCRIPT, VARIANTS_DIR, Driver, line_of, variants_harness


def walk_of(driver):
    driver.call("loss_graph", step=0)
    return driver.call("loss_graph_path")


def stages(walk):
    out = []
    for node in walk:
        stage = (node.get("origin") or {}).get("stage")
        if stage and (not out or out[-1] != stage):
            out.append(stage)
    return out


def test_the_walk_names_lines_functions_and_stages(loaded):
    cls = loaded.roles.nodes.cls
    init = cls.__dict__["__init__"]
    walk = walk_of(loaded)
    assert cls.__dict__["__init__"] is init  # the class is put back as the script made it
    lines = SCRIPT.splitlines()
    for node in walk[:-1]:  # the last is a parameter, made at setup: no origin recorded
        origin = node["origin"]
        assert origin["text"] == lines[origin["line"] - 1].strip()
    assert walk[-1]["label"].startswith("wte[") and walk[-1]["origin"] is None
    loss = walk[0]["origin"]
    assert (loss["func"], loss["line"]) == ("training loop", line_of(SCRIPT, "loss = (1 / n) * sum(losses)"))
    found = stages(walk)
    assert found[:3] == ["training loop", "softmax", "linear (lm_head)"]
    assert "residual" in found and found[-1] == "embedding"
    soft = next(n["origin"] for n in walk if n["origin"]["stage"] == "softmax")
    assert soft["func"] == "softmax" and soft["via"][0]["func"] == "training loop"
    head = next(n["origin"] for n in walk if n["origin"]["stage"] == "linear (lm_head)")
    assert [v["func"] for v in head["via"]] == ["gpt", "training loop"]
    assert head["via"][0]["line"] == line_of(SCRIPT, "logits = linear(x, state_dict['lm_head'])")
    assert head["flow"] == "out"
    # Expanding a node gives the same origins, for the node and its children.
    node = loaded.call("loss_graph_expand", node_id=walk[4]["id"])
    assert node["origin"] == walk[4]["origin"] and all("origin" in c for c in node["children"])


@pytest.mark.parametrize("name", ["value_micrograd", "model_classes_gelu"])
def test_variants(tmp_path, name):
    path = VARIANTS_DIR / f"{name}.py"
    driver = Driver(tmp_path)
    driver.load(source=path.read_text(encoding="utf-8"), dataset=variants_harness().data_for(path)[1])
    found = stages(walk_of(driver))
    assert found[:2] == ["training loop", "softmax"]
    assert "residual" in found and found[-1] == "embedding"
