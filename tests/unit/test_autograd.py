"""Autograd playground: the script's own Value and backward(), observed and checked, for
microgpt's Value and for a micrograd-style one (a `_prev` set and a `_backward` closure per node)."""

import pytest
from _bridgecore import SCRIPT, VARIANTS_DIR, Driver, variants_harness
from bridge import autograd, graph

plain = variants_harness()
MICROGRAD = VARIANTS_DIR / "value_micrograd.py"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    driver = Driver(tmp_path_factory.mktemp("autograd"))
    driver.load()
    return driver


@pytest.fixture(scope="module")
def micrograd(tmp_path_factory):
    driver = Driver(tmp_path_factory.mktemp("micrograd"))
    driver.load(source=MICROGRAD.read_text(encoding="utf-8"), dataset=plain.data_for(MICROGRAD)[1],
                filename=MICROGRAD.name)
    return driver


@pytest.fixture(params=["microgpt", "micrograd"])
def either(request, shared, micrograd):
    return shared if request.param == "microgpt" else micrograd


def by_label(out):
    return {n["label"]: n for n in out["nodes"] if n["label"] is not None}


def assert_reverse_topological(out):
    order = out["order"]
    assert sorted(order) == list(range(len(out["nodes"])))  # each node visited exactly once
    where = {node_id: i for i, node_id in enumerate(order)}
    for e in out["edges"]:
        assert where[e["to"]] < where[e["from"]]  # a parent passes its grad on before its child
    assert order[0] == out["output_id"]


@pytest.mark.parametrize("preset", list(autograd.PRESETS))
def test_presets_agree_with_finite_differences(either, preset):
    out = either.call("autograd", preset=preset)
    assert out["preset"] == preset and out["expr"] == autograd.PRESETS[preset]
    assert preset in out["presets"]
    for name, check in out["fd_check"].items():
        assert check["agree"], (name, check)
    assert_reverse_topological(out)


def test_the_class_is_described(shared, micrograd):
    assert shared.call("autograd")["autograd"] == {
        "class": "Value", "data": "data", "grad": "grad", "children": "_children", "local_grads": "_local_grads",
        "closure": None, "op": None, "backward": "backward"}
    assert micrograd.call("autograd")["autograd"] == {
        "class": "Value", "data": "data", "grad": "grad", "children": "_prev", "local_grads": None,
        "closure": "_backward", "op": "_op", "backward": "backward"}


def test_a_times_b_plus_c(either):
    out = either.call("autograd", inputs={"a": 2.0, "b": -3.0, "c": 10.0})
    assert out["expr"] == "a*b + c" and out["preset"] == "a*b+c"
    assert out["grads"] == {"a": -3.0, "b": 2.0, "c": 1}
    nodes = by_label(out)
    assert nodes["a*b + c"]["data"] == 4.0 and nodes["a*b + c"]["op"] == "add"
    assert nodes["a*b"]["op"] == "mul" and nodes["a"]["kind"] == "input"
    assert out["nodes"][out["output_id"]]["grad"] == 1
    # Each edge carries d(parent)/d(child), as the script's class recorded or computes it.
    mul = nodes["a*b"]["id"]
    local = {out["nodes"][e["from"]]["label"]: e["local_grad"] for e in out["edges"] if e["to"] == mul}
    assert local == {"a": -3.0, "b": 2.0}


def test_custom_expression_with_hidden_nodes(shared):
    out = shared.call("autograd", expr="(a*b).exp() / (a + 1)", inputs={"a": 0.5, "b": -1.0})
    assert all(c["agree"] for c in out["fd_check"].values())
    kinds = [n["kind"] for n in out["nodes"]]
    assert kinds.count("input") == 2  # c is not in this graph; it still gets a zero gradient
    assert out["grads"]["c"] == 0 and out["fd_check"]["c"]["fd"] == 0
    ops = {n["op"] for n in out["nodes"] if n["kind"] == "hidden"}
    assert ops == {"pow -1"}  # division is a * b**-1
    const = [n for n in out["nodes"] if n["kind"] == "const"]
    assert [(n["label"], n["data"]) for n in const] == [("1", 1)]
    assert_reverse_topological(out)


def test_subtraction_and_negation_show_their_constants(shared):
    out = shared.call("autograd", expr="a - b", inputs={"a": 1.0, "b": 4.0})
    hidden = [n for n in out["nodes"] if n["kind"] == "hidden"]
    assert [n["op"] for n in hidden] == ["mul"]  # b * -1
    assert [n["label"] for n in out["nodes"] if n["kind"] == "const"] == ["-1"]
    assert out["grads"]["a"] == 1 and out["grads"]["b"] == -1
    neg = shared.call("autograd", expr="-a * 2 + a ** 2 + 1 / a")
    assert all(c["agree"] for c in neg["fd_check"].values())


def test_order_equals_the_scripts_own_reversed_topo(shared):
    out = shared.call("autograd", preset="log+exp")
    # Node ids are positions in backward()'s own topological order, so reversed is n-1 down to 0.
    assert out["order"] == list(range(len(out["nodes"]) - 1, -1, -1))


def test_order_is_observed_not_recomputed(driver):
    # A script whose build_topo walks children right to left visits nodes in another valid
    # order; the recorded order must be that one.
    source = SCRIPT.replace("for child in v._children:", "for child in reversed(v._children):")
    assert source != SCRIPT
    driver.load(source=source)
    out = driver.call("autograd", expr="(a*b).exp() / (a + 1)")
    assert_reverse_topological(out)
    assert out["order"] != list(range(len(out["nodes"]) - 1, -1, -1))
    # Rebuild the same graph and compute what that script's topo would be.
    value, nodes = driver.ns["Value"], driver.roles.nodes
    a, b = value(2.0), value(-3.0)
    root = (a * b).exp() / (a + 1)
    ids = {id(v): i for i, v in enumerate(graph.topo_order(root, nodes))}  # children left to right
    topo, seen = [], set()

    def build(v):
        if v not in seen:
            seen.add(v)
            for child in reversed(v._children):
                build(child)
            topo.append(v)

    build(root)
    assert out["order"] == [ids[id(v)] for v in reversed(topo)]


def test_preset_name_given_as_the_expression(shared):
    assert shared.call("autograd", expr="addition")["expr"] == "a + b"
    assert shared.call("autograd", expr="")["preset"] == "a*b+c"


@pytest.mark.parametrize(
    "expr, message",
    [
        ("a +", "syntax error"),
        ("__import__('os')", "only the methods"),
        ("a.data", "attribute .data is not allowed"),
        ("a.exp", "must be called"),
        ("x + 1", "unknown name 'x'"),
        ("a ** b", "exponent must be a plain number"),
        ("2 ** a", "exponent must be a plain number"),
        ("a < b", "Compare is not allowed"),
        ("a if b else c", "IfExp is not allowed"),
        ("a // b", "operator // is not allowed"),
        ("[a, b]", "List is not allowed"),
        ("'text'", "is not a number"),
        ("True * a", "is not a number"),
        ("a.log(2)", "takes no arguments"),
        ("(2).exp()", "plain number has no .exp()"),
        ("1 + 2", "at least one input"),
        ("(a - 10).log()", "log needs a number > 0"),
        ("(a - 10) ** 0.5", "not a real number"),
        ("a / (b - b)", "could not evaluate"),
        ("lambda: a", "Lambda is not allowed"),
    ],
)
def test_bad_expressions(shared, expr, message):
    err = shared.error("autograd", expr=expr)
    assert err["type"] == "ExpressionError" and err["phase"] == "autograd"
    assert message in err["message"]


def test_bad_inputs_and_presets(shared):
    assert "finite number" in shared.error("autograd", inputs={"a": "2"})["message"]
    assert "cannot be an input name" in shared.error("autograd", inputs={"2x": 1.0})["message"]
    assert "unknown preset" in shared.error("autograd", preset="tanh")["message"]


def test_a_method_the_class_lacks(driver):
    driver.load(source=SCRIPT.replace("    def relu(self): return Value(max(0, self.data), (self,), "
                                      "(float(self.data > 0),))\n", ""), dataset="ab\nba\n")
    out = driver.call("autograd")
    assert "relu" not in out["presets"] and "log+exp" in out["presets"]
    assert "has no .relu()" in driver.error("autograd", preset="relu")["message"]


def test_relu_kink_is_reported_not_hidden(either):
    out = either.call("autograd", expr="a.relu()", inputs={"a": 0.0})
    check = out["fd_check"]["a"]
    assert check["grad"] == 0.0 and check["fd"] == pytest.approx(0.5)
    assert not check["agree"]


def test_writes_are_the_chain_rule_steps_as_they_happened(either):
    out = either.call("autograd", expr="a*a + b", inputs={"a": 2.0, "b": 5.0})
    edges_of = {}
    for e in out["edges"]:
        edges_of.setdefault(e["to"], []).append(e["from"])
    # The writes come grouped by the node being visited, in the loop's order, one to each of its
    # children (microgpt: one per edge; a micrograd closure writes a*a's one child twice, as
    # its `_prev` is a set).
    visited = [w["v"] for w in out["writes"]]
    grouped = [v for i, v in enumerate(visited) if i == 0 or visited[i - 1] != v]
    assert grouped == [v for v in out["order"] if edges_of.get(v)]
    for v in out["order"]:
        assert {w["node"] for w in out["writes"] if w["v"] == v} == set(edges_of.get(v, []))
    # a feeds a*a twice: its grad is written twice, 2 (= a.data * 1) and then 4.
    a = next(n["id"] for n in out["nodes"] if n["label"] == "a")
    assert [w["grad"] for w in out["writes"] if w["node"] == a] == [2.0, 4.0]
    # The last write to a node is its final grad.
    final = {w["node"]: w["grad"] for w in out["writes"]}
    assert all(out["nodes"][i]["grad"] == g for i, g in final.items())


def test_clearing_the_grads_afterwards_is_not_the_chain_rule(driver):
    # backward() ending with a second loop that clears computed nodes' grads (as a script that
    # calls it once per position does): the order and writes are those of the chain rule's loop.
    source = SCRIPT.replace(
        "                child.grad += local_grad * v.grad  # chain rule; += because a Value can feed several others\n",
        "                child.grad += local_grad * v.grad\n"
        "        for v in topo:\n"
        "            if v._children:\n"
        "                v.grad = 0\n")
    assert source != SCRIPT
    driver.load(source=source, dataset="ab\nba\n")
    out = driver.call("autograd", expr="a*b + c")
    assert_reverse_topological(out)
    assert len(out["writes"]) == len(out["edges"])  # one per edge, no clearing writes
    final = {out["nodes"][w["node"]]["label"]: w["grad"] for w in out["writes"]}
    assert {k: final[k] for k in "abc"} == {"a": -3.0, "b": 2.0, "c": 1}
    assert out["grads"] == {"a": -3.0, "b": 2.0, "c": 1}
    assert out["nodes"][out["output_id"]]["grad"] == 0  # what the script left


def test_a_preset_starts_from_its_own_inputs(shared):
    # Asked for without inputs, a preset starts where its grads are readable (issue 23): the
    # softmax fragment at a=2, b=-3 has grads of ~1e-5; at its own inputs every grad is a fraction.
    out = shared.call("autograd", preset="log+exp")
    assert out["inputs"] == autograd.PRESET_INPUTS["log+exp"]
    assert all(0.01 < abs(out["grads"][name]) < 1 for name in ("a", "b")), out["grads"]
    # The same preset after another: its own inputs again, not the ones the other one left.
    shared.call("autograd", preset="a*b+c", inputs={"a": 8.2})
    assert shared.call("autograd", preset="log+exp")["inputs"] == autograd.PRESET_INPUTS["log+exp"]
    # Inputs given override them, one by one.
    assert shared.call("autograd", preset="log+exp", inputs={"a": 3.0})["inputs"]["a"] == 3.0
    assert set(autograd.PRESET_INPUTS) == set(autograd.PRESETS)


def test_a_hidden_node_says_which_operation_made_it(shared):
    out = shared.call("autograd", preset="log+exp")
    hidden = [n for n in out["nodes"] if n["kind"] == "hidden"]
    # microgpt's __truediv__ is self * other**-1: the **-1 node has no text of its own.
    assert hidden and all(n["made_in"] == "a.exp() / (a.exp() + b.exp())" and n["made_by"] == "/"
                          for n in hidden), hidden
    assert all(n["made_in"] is None for n in out["nodes"] if n["kind"] != "hidden")
