"""Autograd playground: the script's own Value and backward(), observed and checked."""

import pytest
from _scriptns import SCRIPT, shared_ns
from bridge import autograd
from bridge.errors import ScriptError
from bridge.graph import topo_order


@pytest.fixture(scope="module")
def ns():
    return shared_ns()


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
def test_presets_agree_with_finite_differences(ns, preset):
    out = autograd.run(ns, preset=preset)
    assert out["preset"] == preset and out["expr"] == autograd.PRESETS[preset]
    for name, check in out["fd_check"].items():
        assert check["agree"], (name, check)
    assert_reverse_topological(out)


def test_a_times_b_plus_c(ns):
    out = autograd.run(ns, inputs={"a": 2.0, "b": -3.0, "c": 10.0})
    assert out["expr"] == "a*b + c"
    assert out["grads"] == {"a": -3.0, "b": 2.0, "c": 1}
    nodes = by_label(out)
    assert nodes["a*b + c"]["data"] == 4.0 and nodes["a*b + c"]["op"] == "add"
    assert nodes["a*b"]["op"] == "mul" and nodes["a"]["kind"] == "input"
    assert out["nodes"][out["output_id"]]["grad"] == 1


def test_custom_expression_with_hidden_nodes(ns):
    out = autograd.run(ns, expr="(a*b).exp() / (a + 1)", inputs={"a": 0.5, "b": -1.0})
    assert all(c["agree"] for c in out["fd_check"].values())
    kinds = [n["kind"] for n in out["nodes"]]
    assert kinds.count("input") == 2  # c is not in this graph; it still gets a zero gradient
    assert out["grads"]["c"] == 0 and out["fd_check"]["c"]["fd"] == 0
    ops = {n["op"] for n in out["nodes"] if n["kind"] == "hidden"}
    assert ops == {"pow -1"}  # division is a * b**-1
    const = [n for n in out["nodes"] if n["kind"] == "const"]
    assert [(n["label"], n["data"]) for n in const] == [("1", 1)]
    assert_reverse_topological(out)


def test_subtraction_and_negation_show_their_constants(ns):
    out = autograd.run(ns, expr="a - b", inputs={"a": 1.0, "b": 4.0})
    hidden = [n for n in out["nodes"] if n["kind"] == "hidden"]
    assert [n["op"] for n in hidden] == ["mul"]  # b * -1
    assert [n["label"] for n in out["nodes"] if n["kind"] == "const"] == ["-1"]
    assert out["grads"]["a"] == 1 and out["grads"]["b"] == -1
    neg = autograd.run(ns, expr="-a * 2 + a ** 2 + 1 / a")
    assert all(c["agree"] for c in neg["fd_check"].values())


def test_order_equals_the_scripts_own_reversed_topo(ns):
    out = autograd.run(ns, preset="log+exp")
    # Node ids are positions in backward()'s own topological order, so reversed is 0..n-1 down.
    assert out["order"] == list(range(len(out["nodes"]) - 1, -1, -1))


def test_order_is_observed_not_recomputed():
    # A script whose build_topo walks children right to left visits nodes in another valid
    # order; the recorded order must be that one.
    source = SCRIPT.replace("for child in v._children:", "for child in reversed(v._children):")
    assert source != SCRIPT
    ns = shared_ns(source, filename="microgpt_reversed_topo.py")
    out = autograd.run(ns, expr="(a*b).exp() / (a + 1)")
    assert_reverse_topological(out)
    assert out["order"] != list(range(len(out["nodes"]) - 1, -1, -1))
    # Rebuild the same graph and compute what that script's topo would be.
    value = ns["Value"]
    a, b = value(2.0), value(-3.0)
    root = (a * b).exp() / (a + 1)
    mine = topo_order(root)  # children left to right: the node ids
    ids = {id(v): i for i, v in enumerate(mine)}
    topo, seen = [], set()

    def build(v):
        if v not in seen:
            seen.add(v)
            for child in reversed(v._children):
                build(child)
            topo.append(v)

    build(root)
    assert out["order"] == [ids[id(v)] for v in reversed(topo)]


def test_preset_name_given_as_the_expression(ns):
    assert autograd.run(ns, "addition")["expr"] == "a + b"
    assert autograd.run(ns, "")["preset"] == "a*b+c"


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
def test_bad_expressions(ns, expr, message):
    with pytest.raises(ScriptError) as err:
        autograd.run(ns, expr=expr)
    assert err.value.type == "ExpressionError"
    assert message in err.value.message


def test_bad_inputs_and_presets(ns):
    with pytest.raises(ScriptError, match="finite number"):
        autograd.run(ns, inputs={"a": "2"})
    with pytest.raises(ScriptError, match="cannot be an input name"):
        autograd.run(ns, inputs={"2x": 1.0})
    with pytest.raises(ScriptError, match="unknown preset"):
        autograd.run(ns, preset="tanh")


def test_relu_kink_is_reported_not_hidden(ns):
    out = autograd.run(ns, expr="a.relu()", inputs={"a": 0.0})
    check = out["fd_check"]["a"]
    assert check["grad"] == 0.0 and check["fd"] == pytest.approx(0.5)
    assert not check["agree"]


def test_writes_are_the_chain_rule_steps_as_they_happened(ns):
    out = autograd.run(ns, expr="a*a + b", inputs={"a": 2.0, "b": 5.0})
    edges_of = {}
    for e in out["edges"]:
        edges_of.setdefault(e["to"], []).append(e["from"])
    # One write per edge, grouped by the node being visited, in the loop's order.
    visited = [w["v"] for w in out["writes"]]
    assert visited == [v for v in out["order"] for _ in edges_of.get(v, [])]
    for v in out["order"]:
        assert [w["node"] for w in out["writes"] if w["v"] == v] == edges_of.get(v, [])
    # a feeds a*a twice: its grad is written twice, 2 (= a.data * 1) and then 4.
    a = next(n["id"] for n in out["nodes"] if n["label"] == "a")
    assert [w["grad"] for w in out["writes"] if w["node"] == a] == [2.0, 4.0]
    # The last write to a node is its final grad.
    final = {w["node"]: w["grad"] for w in out["writes"]}
    assert all(out["nodes"][i]["grad"] == g for i, g in final.items())
