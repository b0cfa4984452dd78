"""Graph explorer over the real loss graph of a training step, and op inference, on microgpt's
Value and on a micrograd-style Value that labels its nodes."""

import pytest
from _bridgecore import SCRIPT, VARIANTS_DIR, Driver, variants_harness
from bridge import graph

plain = variants_harness()


@pytest.fixture(scope="module")
def stepped(tmp_path_factory):
    """microgpt.py with the loss graph of its first step built without training, then that step
    taken: (driver, the built graph's record, the step's record)."""
    driver = Driver(tmp_path_factory.mktemp("graph"))
    driver.load()
    built = driver.call("loss_graph")
    (rec,) = driver.call("step", with_params=True)
    return driver, built, rec


def test_summary_counts_the_real_graph(stepped):
    driver, built, rec = stepped
    ns = driver.ns
    s = driver.call("graph_summary")
    assert s["root_id"] == s["nodes"] - 1 and sum(s["by_op"].values()) == s["nodes"]
    assert set(s["by_op"]) <= {"leaf", "add", "mul", "pow", "exp", "log", "relu"}
    n = rec["n"]
    n_layer, n_head, n_embd, vocab = ns["n_layer"], ns["n_head"], ns["n_embd"], ns["vocab_size"]
    assert s["by_op"]["log"] == n  # one loss term per position
    assert s["by_op"]["relu"] == n * n_layer * 4 * n_embd
    # exp: the final softmax over the vocabulary, and each head's softmax over pos + 1 keys.
    assert s["by_op"]["exp"] == sum(vocab + n_layer * n_head * (t + 1) for t in range(n))
    # Parameters reached: the rows of wte and wpe actually used, and all of the other matrices.
    used_rows = len(set(rec["tokens"][:n])) + n
    others = sum(len(m) * len(m[0]) for k, m in ns["state_dict"].items() if k not in ("wte", "wpe"))
    assert s["params"] == used_rows * n_embd + others
    assert s["depth"] > 100 and s["edges"] > s["nodes"]
    # The same step's graph, built before the step without training, has the same shape.
    assert built["summary"] == s and built["doc"] == rec["doc"]


def test_expand_is_stable_and_matches_the_values(stepped):
    driver, _, rec = stepped
    root = driver.call("graph_expand")
    summary = driver.call("graph_summary")
    assert root["id"] == summary["root_id"] and root["data"] == rec["loss"]
    assert root["grad"] == 1 and root["op"] == "mul"  # (1/n) * sum(losses)
    assert driver.call("graph_expand", node_id=root["id"]) == root
    loss = driver.session.trainer.last_loss
    topo = graph.topo_order(loss, driver.roles.nodes)
    for child, got, g in zip(loss._children, root["children"], loss._local_grads, strict=True):
        assert got["id"] == topo.index(child) and got["local_grad"] == g
        assert got["data"] == child.data and got["n_children"] == len(child._children)
        again = driver.call("graph_expand", node_id=got["id"])
        assert {k: again[k] for k in ("id", "data", "grad", "op", "n_children")} == {
            k: got[k] for k in ("id", "data", "grad", "op", "n_children")}
    assert any(c["label"] == "const" for c in root["children"])  # the 1/n factor
    err = driver.error("graph_expand", node_id=len(topo))
    assert err["type"] == "ValueError" and f"0..{len(topo) - 1}" in err["message"]


def test_parameters_are_labelled(stepped):
    driver, _, _ = stepped
    ns, nodes = driver.ns, driver.roles.nodes
    topo = graph.topo_order(driver.session.trainer.last_loss, nodes)
    sd = ns["state_dict"]
    wanted = {id(sd["wpe"][1][5]): "wpe[1][5]", id(sd["layer0.mlp_fc2"][3][60]): "layer0.mlp_fc2[3][60]"}
    found = {}
    for i, v in enumerate(topo):
        if id(v) in wanted:
            node = driver.call("graph_expand", node_id=i)
            found[node["label"]] = (node["op"], node["data"] == v.data, node["n_children"])
    assert found == {label: ("leaf", True, 0) for label in wanted.values()}


def test_needs_a_step_first(loaded):
    assert "run a training step first" in loaded.error("graph_summary")["message"]
    assert "run a training step first" in loaded.error("graph_expand")["message"]


@pytest.fixture(scope="module")
def values(tmp_path_factory):
    """{kind: the loaded script's Nodes} for microgpt's Value and micrograd's."""
    out = {}
    for kind, path in (("microgpt", None), ("micrograd", VARIANTS_DIR / "value_micrograd.py")):
        driver = Driver(tmp_path_factory.mktemp(kind))
        if path is None:
            driver.load(dataset="ab\nba\n")
        else:
            driver.load(source=path.read_text(encoding="utf-8"), dataset="ab\nba\n", filename=path.name)
        out[kind] = driver.roles
    return out


@pytest.mark.parametrize("kind", ["microgpt", "micrograd"])
def test_infer_op_on_each_operation(values, kind):
    nodes = values[kind].nodes
    value = nodes.cls
    a, b = value(1.5), value(-0.25)
    cases = {
        "add": a + b, "mul": a * b, "exp": a.exp(), "log": a.log(), "relu": a.relu(),
        "pow 2": a**2, "pow -1": a**-1, "pow -0.5": a**-0.5, "leaf": value(3.0),
    }
    for op, node in cases.items():
        assert graph.infer_op(node, nodes) == op, op
    assert graph.infer_op(b.relu(), nodes) == "relu"
    assert graph.infer_op(value(0.5) + value(0.5), nodes) == "add"  # data 1, like 1 * 1
    assert graph.infer_op(value(1) * value(1), nodes) == "mul"
    a.data = 9.0  # a child moved after the nodes were made (as Adam moves parameters)
    assert [graph.infer_op(cases[k], nodes) for k in ("add", "mul", "exp", "log")] == ["add", "mul", "exp", "log"]


def test_infer_op_of_a_hand_made_node(values):
    nodes = values["microgpt"].nodes
    value = nodes.cls
    assert graph.infer_op(value(2.0, (value(1.5),), (7.0,)), nodes) == "?"


def test_deep_graph_without_recursion(values):
    roles = values["microgpt"]
    x = roles.nodes.cls(0.0)
    for _ in range(5000):  # five times Python's recursion limit
        x = x + 1
    graph.forget()
    s = graph.summary(x, roles)
    assert s["nodes"] == 10001 and s["depth"] == 5000
    assert graph.expand(x, 0, roles)["data"] == 0.0
    graph.forget()
    # Freeing a chain this deep recurses in C and overflows Pyodide's stack (around 2000-5000
    # levels, depending on how deep the caller already is): cut the links first.
    for node in graph.topo_order(x, roles.nodes):
        node._children = ()


@pytest.mark.parametrize("kind", ["microgpt", "micrograd"])
def test_topo_order_matches_the_scripts_recursive_algorithm(values, kind):
    nodes = values[kind].nodes
    value = nodes.cls
    a, b = value(2.0), value(3.0)
    c = a * b
    root = (c + a).exp() * c / b
    topo, seen = [], set()

    def build(v):
        if v not in seen:
            seen.add(v)
            for child in nodes.children(v):
                build(child)
            topo.append(v)

    build(root)
    assert graph.topo_order(root, nodes) == topo


def test_reloading_forgets_the_graph(tmp_path):
    driver = Driver(tmp_path)
    driver.load(source=SCRIPT, dataset="ab\nba\n")
    driver.call("step")
    assert driver.call("graph_summary")["nodes"] > 0
    driver.load(source=SCRIPT, dataset="ab\nba\n")
    assert "run a training step first" in driver.error("graph_summary")["message"]
