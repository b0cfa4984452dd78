"""Graph explorer over the real loss graph of one training step, and op inference."""

import pytest
from _scriptns import build_ns
from bridge import graph


def training_step_loss(ns, doc):
    """The training loop's forward pass for one document, with the script's own functions."""
    tokens = [ns["BOS"]] + [ns["uchars"].index(c) for c in doc] + [ns["BOS"]]
    n = min(ns["block_size"], len(tokens) - 1)
    keys, values = [[] for _ in range(ns["n_layer"])], [[] for _ in range(ns["n_layer"])]
    losses = []
    for pos in range(n):
        probs = ns["softmax"](ns["gpt"](tokens[pos], pos, keys, values))
        losses.append(-probs[tokens[pos + 1]].log())
    return (1 / n) * sum(losses), n


@pytest.fixture(scope="module")
def step():
    ns = build_ns()  # its own copy: this module changes parameters
    loss, n = training_step_loss(ns, "ava")
    loss.backward()
    graph.forget()
    return ns, loss, n


def test_summary_counts_the_real_graph(step):
    ns, loss, n = step
    s = graph.summary(loss, ns)
    assert s["nodes"] == len(graph.topo_order(loss)) and s["root_id"] == s["nodes"] - 1
    assert set(s["by_op"]) <= {"leaf", "add", "mul", "pow", "exp", "log", "relu"}
    assert sum(s["by_op"].values()) == s["nodes"]
    n_layer, n_head, n_embd, vocab = ns["n_layer"], ns["n_head"], ns["n_embd"], ns["vocab_size"]
    assert s["by_op"]["log"] == n  # one loss term per position
    assert s["by_op"]["relu"] == n * n_layer * 4 * n_embd
    # exp: the final softmax over the vocabulary, and each head's softmax over pos + 1 keys.
    assert s["by_op"]["exp"] == sum(vocab + n_layer * n_head * (t + 1) for t in range(n))
    # Parameters reached: every row of wte/wpe actually used, and all of the other matrices.
    used_rows = 3 + n  # 'a', 'v', BOS rows of wte; wpe rows 0..n-1
    others = sum(len(m) * len(m[0]) for k, m in ns["state_dict"].items() if k not in ("wte", "wpe"))
    assert s["params"] == used_rows * n_embd + others
    assert s["depth"] > 100 and s["edges"] > s["nodes"]


def test_expand_is_stable_and_matches_the_values(step):
    ns, loss, _ = step
    root = graph.expand(loss, None, ns)
    assert root["id"] == graph.summary(loss)["root_id"] and root["data"] == loss.data
    assert root["grad"] == 1 and root["op"] == "mul"  # (1/n) * sum(losses)
    assert graph.expand(loss, root["id"], ns) == root
    topo = graph.topo_order(loss)
    for child, got, g in zip(loss._children, root["children"], loss._local_grads, strict=True):
        assert got["id"] == topo.index(child) and got["local_grad"] == g
        assert got["data"] == child.data and got["n_children"] == len(child._children)
    assert any(c["label"] == "const" for c in root["children"])  # the 1/n factor
    with pytest.raises(ValueError):
        graph.expand(loss, len(topo), ns)


def test_parameters_are_labelled(step):
    ns, loss, _ = step
    topo = graph.topo_order(loss)
    sd = ns["state_dict"]
    wanted = {
        id(sd["wpe"][1][5]): "wpe[1][5]",
        id(sd["layer0.mlp_fc2"][3][60]): "layer0.mlp_fc2[3][60]",
    }
    found = {}
    for i, v in enumerate(topo):
        if id(v) in wanted:
            node = graph.expand(loss, i, ns)
            found[node["label"]] = (node["op"], node["grad"] == v.grad)
    assert found == {label: ("leaf", True) for label in wanted.values()}


def test_ops_survive_a_parameter_update(step):
    ns, loss, _ = step
    before = graph.summary(loss, ns)["by_op"]
    for p in ns["params"]:  # what Adam does right after backward()
        p.data -= 0.01 * p.grad
        p.grad = 0
    graph.forget()
    assert graph.summary(loss, ns)["by_op"] == before


def test_infer_op_on_each_operation():
    ns = build_ns(data="ab\nba\n")
    value = ns["Value"]
    a, b = value(1.5), value(-0.25)
    cases = {
        "add": a + b, "mul": a * b, "exp": a.exp(), "log": a.log(), "relu": a.relu(),
        "pow 2": a**2, "pow -1": a**-1, "pow -0.5": a**-0.5, "leaf": value(3.0),
    }
    for op, node in cases.items():
        assert graph.infer_op(node) == op, op
    assert graph.infer_op(b.relu()) == "relu"
    assert graph.infer_op(value(0.5) + value(0.5)) == "add"  # data 1, like 1 * 1
    assert graph.infer_op(value(1) * value(1)) == "mul"
    assert graph.infer_op(value(2.0, (a,), (7.0,))) == "?"
    a.data = 9.0  # a child moved after the nodes were made
    assert [graph.infer_op(cases[k]) for k in ("add", "mul", "exp", "log")] == [
        "add", "mul", "exp", "log"
    ]


def test_deep_graph_without_recursion():
    ns = build_ns(data="ab\nba\n")
    value = ns["Value"]
    x = value(0.0)
    for _ in range(5000):  # five times Python's recursion limit
        x = x + 1
    s = graph.summary(x)
    assert s["nodes"] == 10001 and s["depth"] == 5000
    assert graph.expand(x, 0)["data"] == 0.0
    graph.forget()
    # Freeing a chain this deep recurses in C and overflows Pyodide's stack (around 2000-5000
    # levels, depending on how deep the caller already is): cut the links first.
    for node in graph.topo_order(x):
        node._children = ()


def test_topo_order_matches_the_recursive_algorithm():
    ns = build_ns(data="ab\nba\n")
    value = ns["Value"]
    a, b = value(2.0), value(3.0)
    c = a * b
    root = (c + a).exp() * c / b
    topo, seen = [], set()

    def build(v):
        if v not in seen:
            seen.add(v)
            for child in v._children:
                build(child)
            topo.append(v)

    build(root)
    assert graph.topo_order(root) == topo
