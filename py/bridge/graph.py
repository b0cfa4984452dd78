"""Explore the real computation graph behind one loss: counts, depth, and one node at a time.

A training step's loss hangs off tens of thousands of Values, so the page never receives the
whole graph: `summary` gives totals and `expand` one node with its direct children. A node's id
is its index in the topological order of the script's own backward() (children before parents,
in `_children` order), computed once per root and cached, so ids are stable for that root; the
root has the largest id.

Values do not record which operation made them, so `infer_op` reads it back from the node's
structure; see its docstring for what it can and cannot tell apart.
"""

import math

_CACHE = {}  # the last root: {"root", "topo", "index", "labels"}; strong refs keep ids valid


def infer_op(node):
    """Name the operation that made `node`, from its children and local gradients.

    The script's Value makes: add (children a, b; local grads (1, 1)), mul (a, b;
    (b.data, a.data)), pow (x; k*x**(k-1)), log (x; 1/x), exp (x; exp(x)), relu (x; 0.0 or
    1.0); subtraction, negation and division are built from these. Each test recomputes the
    node's data from its children, so a match is exact, not guessed. Limits:
    * a Value made by hand with arbitrary children/grads may match nothing: "?" (or "leaf"
      when it has no children);
    * relu of a positive number and x**1 look the same (relu wins: the script never uses **1);
    * pow's exponent is recovered as k = grad*x/data, so it is unknown when x or data is 0
      (reported as "pow" without an exponent), and rounded to 6 decimals;
    * NaN never equals itself, so a node whose data is NaN is "?".
    add and mul never collide: mul's grads are (1, 1) only for 1 * 1, whose data is 1, not 2.
    """
    children = node._children
    grads = node._local_grads
    out = node.data
    if not children:
        return "leaf"
    if len(children) == 2 and len(grads) == 2:
        a, b = children[0].data, children[1].data
        if grads[0] == 1 == grads[1] and out == a + b:
            return "add"
        if grads[0] == b and grads[1] == a and out == a * b:
            return "mul"
        return "?"
    if len(children) != 1 or len(grads) != 1:
        return "?"
    x, g = children[0].data, grads[0]
    try:
        if out == g == math.exp(x):
            return "exp"
        if x > 0 and out == math.log(x) and g == 1 / x:
            return "log"
    except (OverflowError, ValueError, TypeError):
        pass
    if out == max(0, x) and type(g) is float and g == float(x > 0):
        return "relu"
    return _pow_name(x, g, out)


def _pow_name(x, g, out):
    try:
        if x != 0 and out != 0:
            k = g * x / out
            k_round = round(k)
            k = k_round if abs(k - k_round) < 1e-9 else round(k, 6)
            if math.isclose(x**k, out, rel_tol=1e-9, abs_tol=1e-300):
                return f"pow {k}"
            return "?"
    except (OverflowError, ZeroDivisionError, TypeError, ValueError):
        return "?"
    return "pow"


def topo_order(root):
    """The script's backward() order (post-order DFS over _children), without recursion.

    The loss graph is deep enough to hit Python's recursion limit in Pyodide's small stack,
    so this walks with an explicit stack but visits children in the same order.
    """
    topo, visited = [], set()
    stack = [(root, iter(root._children))]
    visited.add(id(root))
    while stack:
        node, it = stack[-1]
        for child in it:
            if id(child) not in visited:
                visited.add(id(child))
                stack.append((child, iter(child._children)))
                break
        else:
            stack.pop()
            topo.append(node)
    return topo


def param_labels(ns):
    """id(Value) -> "name[row][col]" for every parameter in the script's state_dict."""
    labels = {}
    state_dict = (ns or {}).get("state_dict")
    if isinstance(state_dict, dict):
        for name, mat in state_dict.items():
            for r, row in enumerate(mat):
                for c, p in enumerate(row):
                    labels[id(p)] = f"{name}[{r}][{c}]"
    return labels


def _entry(root, ns):
    cached = _CACHE.get("entry")
    if cached is not None and cached["root"] is root:
        if ns is not None and not cached["labels"]:
            cached["labels"] = param_labels(ns)
        return cached
    topo = topo_order(root)
    entry = {
        "root": root,
        "topo": topo,
        "index": {id(v): i for i, v in enumerate(topo)},
        "labels": param_labels(ns),
    }
    _CACHE["entry"] = entry  # one root at a time: a loss graph is large
    return entry


def forget():
    _CACHE.clear()


def _label(entry, node, op):
    label = entry["labels"].get(id(node))
    if label is None and op == "leaf":
        label = "const"  # a number the script wrapped in a Value (1/n, 1e-5, -1, ...)
    return label


def summary(root, ns=None):
    """{nodes, edges, by_op: {op: count}, depth, leaves, params, root_id}."""
    entry = _entry(root, ns)
    topo, index = entry["topo"], entry["index"]
    depth = [0] * len(topo)
    by_op, edges, params = {}, 0, 0
    for i, node in enumerate(topo):
        op = infer_op(node)
        op = op.split(" ")[0]  # "pow -1" and "pow 2" count together
        by_op[op] = by_op.get(op, 0) + 1
        children = node._children
        edges += len(children)
        if children:
            depth[i] = 1 + max(depth[index[id(c)]] for c in children)
        elif id(node) in entry["labels"]:
            params += 1
    return {
        "nodes": len(topo),
        "edges": edges,
        "by_op": by_op,
        "depth": depth[-1] if depth else 0,
        "leaves": by_op.get("leaf", 0),
        "params": params,
        "root_id": len(topo) - 1,
    }


def _describe(entry, node):
    op = infer_op(node)
    return {
        "id": entry["index"][id(node)],
        "data": node.data,
        "grad": node.grad,
        "op": op,
        "label": _label(entry, node, op),
        "n_children": len(node._children),
    }


def expand(root, node_id=None, ns=None):
    """One node and its direct children (with the local gradient along each edge)."""
    entry = _entry(root, ns)
    topo = entry["topo"]
    if node_id is None:
        node_id = len(topo) - 1
    if not isinstance(node_id, int) or not 0 <= node_id < len(topo):
        raise ValueError(f"node_id must be 0..{len(topo) - 1}, not {node_id!r}")
    node = topo[node_id]
    out = _describe(entry, node)
    out["children"] = [
        dict(_describe(entry, child), local_grad=g)
        for child, g in zip(node._children, node._local_grads)
    ]
    return out
