"""Explore the real computation graph behind one loss: counts, depth, and one node at a time.

A training step's loss hangs off tens of thousands of Values, so the page never receives the
whole graph: `summary` gives totals and `expand` one node with its direct children. A node's id
is its index in the topological order of the script's own backward() (children before parents,
in `_children` order), computed once per root and cached, so ids are stable for that root; the
root has the largest id.

Nodes are read through the script's own autograd type (nodes.py), however it stores its graph.
microgpt's Values do not record which operation made them, so `infer_op` reads it back from the
node's structure; a micrograd-style node's own label (`_op`) names it when it has one.
"""

import math

_CACHE = {}  # the last root: {"root", "topo", "index", "labels"}; strong refs keep ids valid


# A script's own operation labels (micrograd's `_op`) in the names used here.
LABELS = {"+": "add", "*": "mul", "relu": "relu", "ReLU": "relu", "exp": "exp", "log": "log",
          "tanh": "tanh", "": "leaf"}


def infer_op(node, nodes):
    """Name the operation that made `node`, from its label or its children and local gradients.

    The script's Value makes: add (children a, b; local grads (1, 1)), mul (a, b;
    (b.data, a.data)), pow (x; k*x**(k-1)), log (x; 1/x), exp (x; exp(x)), relu (x; 0.0 or
    1.0); subtraction, negation and division are built from these.

    The local grads were fixed when the node was made, but a child's data may have changed
    since: after a training step, Adam has moved every parameter. So add and mul are read
    from the grads alone (mul's data is exactly the product of its two grads), and the
    one-child tests recompute from the child's current data first and fall back to what the
    grad alone implies. Limits:
    * a Value made by hand with arbitrary children/grads may match nothing: "?" (or "leaf"
      when it has no children);
    * 1 * 1 has grads (1, 1) like an add; it is called mul only when both children still hold
      exactly 1 (1 + 1 would be 2);
    * relu of a positive number and x**1 look the same, as do relu(0) and x**k at x = 0
      (relu wins: the script never makes those powers);
    * pow's exponent is recovered as k = grad*x/data from the child's current data, so it is
      unknown when x or data is 0 ("pow" without an exponent) or x has changed ("?"); it is
      rounded to 6 decimals;
    * NaN never equals itself, so a node whose data is NaN is "?".
    """
    children = nodes.children(node)
    if not children:
        return "leaf"
    label = nodes.label(node)
    if label is not None:
        if label in LABELS:
            return LABELS[label]
        if label.startswith("**"):
            return f"pow {label[2:]}"
    grads = nodes.local_grads(node)
    out = nodes.value(node)
    if len(children) == 2 and len(grads) == 2:
        g0, g1 = grads
        if g0 == 1 and g1 == 1:
            if out == 1 and nodes.value(children[0]) == 1 == nodes.value(children[1]):
                return "mul"
            return "add"
        if g0 is None or g1 is None:
            return "?"
        return "mul" if out == g0 * g1 else "?"
    if len(children) != 1 or len(grads) != 1 or grads[0] is None:
        return "?"
    x, g = nodes.value(children[0]), grads[0]
    try:
        if out == g == math.exp(x):
            return "exp"
        if x > 0 and out == math.log(x) and g == 1 / x:
            return "log"
        if out == math.tanh(x) and math.isclose(g, 1 - out * out, rel_tol=1e-12, abs_tol=1e-15):
            return "tanh"
    except (OverflowError, ValueError, TypeError):
        pass
    if type(g) is float and ((g == 0.0 and out == 0) or (g == 1.0 and out == x)):
        return "relu"
    op = _pow_name(x, g, out)
    if op != "?":
        return op
    # The child changed after the node was made: judge by the grad alone.
    try:
        if out == g and out > 0:
            return "exp"
        if g > 0 and math.isclose(out, math.log(1 / g), rel_tol=1e-12, abs_tol=1e-15):
            return "log"
    except (OverflowError, ValueError, TypeError, ZeroDivisionError):
        pass
    return "?"


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


def topo_order(root, nodes):
    """The script's backward() order (post-order DFS over the children), without recursion.

    The loss graph is deep enough to hit Python's recursion limit in Pyodide's small stack,
    so this walks with an explicit stack but visits children in the same order.
    """
    topo, visited = [], set()
    stack = [(root, iter(nodes.children(root)))]
    visited.add(id(root))
    while stack:
        node, it = stack[-1]
        for child in it:
            if id(child) not in visited:
                visited.add(id(child))
                stack.append((child, iter(nodes.children(child))))
                break
        else:
            stack.pop()
            topo.append(node)
    return topo


def param_labels(roles):
    """id(node) -> "name[row][col]" for every parameter in the script's named matrices."""
    labels = {}
    params = roles.params
    if params is not None:
        nodes = params.nodes_list
        for m in params.matrices:
            for k, i in enumerate(m.indices):
                r, c = divmod(k, m.cols)
                labels[id(nodes[i])] = f"{m.name}[{r}][{c}]" if m.rows > 1 else f"{m.name}[{c}]"
    return labels


def _entry(root, roles):
    cached = _CACHE.get("entry")
    if cached is not None and cached["root"] is root:
        return cached
    nodes = roles.nodes
    topo = topo_order(root, nodes)
    entry = {
        "root": root,
        "nodes": nodes,
        "topo": topo,
        "index": {id(v): i for i, v in enumerate(topo)},
        "labels": param_labels(roles),
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


def summary(root, roles):
    """{nodes, edges, by_op: {op: count}, depth, leaves, params, root_id}."""
    entry = _entry(root, roles)
    nodes = entry["nodes"]
    if "summary" in entry:
        return dict(entry["summary"])  # the graph's shape never changes once it is built
    topo, labels = entry["topo"], entry["labels"]
    depth = {}  # id(node) -> longest path down to a leaf
    by_op, edges, params = {}, 0, 0
    for node in topo:
        op = infer_op(node, nodes)
        if op.startswith("pow "):
            op = "pow"  # "pow -1" and "pow 2" count together
        by_op[op] = by_op.get(op, 0) + 1
        d = 0
        kids = nodes.children(node)
        for child in kids:
            edges += 1
            dc = depth[id(child)]
            if dc >= d:
                d = dc + 1
        depth[id(node)] = d
        if not kids and id(node) in labels:
            params += 1
    entry["summary"] = {
        "nodes": len(topo),
        "edges": edges,
        "by_op": by_op,
        "depth": depth[id(root)],
        "leaves": by_op.get("leaf", 0),
        "params": params,
        "root_id": len(topo) - 1,
    }
    return dict(entry["summary"])


def _describe(entry, node, origin=None):
    nodes = entry["nodes"]
    op = infer_op(node, nodes)
    out = {
        "id": entry["index"][id(node)],
        "data": nodes.value(node),
        "grad": nodes.grad_of(node),
        "op": op,
        "label": _label(entry, node, op),
        "n_children": len(nodes.children(node)),
    }
    if origin is not None:
        out["origin"] = origin(node)
    return out


def expand(root, node_id, roles, origin=None):
    """One node and its direct children (with the local gradient along each edge); `origin`
    (node -> where the script made it, or None) adds each one's `origin`."""
    entry = _entry(root, roles)
    nodes = entry["nodes"]
    topo = entry["topo"]
    if node_id is None:
        node_id = len(topo) - 1
    if not isinstance(node_id, int) or not 0 <= node_id < len(topo):
        raise ValueError(f"node_id must be 0..{len(topo) - 1}, not {node_id!r}")
    node = topo[node_id]
    out = _describe(entry, node, origin)
    out["children"] = [
        dict(_describe(entry, child, origin), local_grad=g)
        for child, g in zip(nodes.children(node), nodes.local_grads(node), strict=False)
    ]
    return out
