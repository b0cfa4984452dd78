"""The autograd playground: a small expression built from the script's own Value class.

The expression (a preset or typed by the reader) is parsed with `ast` and only a tiny
language is let through: numbers, named inputs, + - * / ** and unary -, and the Value methods
.exp() .log() .relu(). It is then evaluated with ordinary Python operators on the script's
Values, so every node in the graph is one the script itself made, including the hidden ones
(a / b is a * b**-1, a - b is a + b*-1, numbers become constant Values). backward() is the
script's own; the order in which its loop visits the nodes is read from its frame while it
runs, not recomputed; so are the grads its chain-rule line writes, one by one (`writes`), which
is what the page replays edge by edge. A central finite difference checks each input's gradient.
"""

import ast
import math
import operator

from . import codes, graph, observe, scriptast
from .errors import ScriptError, ScriptShapeError

PRESETS = {
    "a*b+c": "a*b + c",
    "addition": "a + b",
    "multiplication": "a * b",
    "log+exp": "(a.exp() / (a.exp() + b.exp())).log()",  # log of one softmax entry
    "relu": "(a*b + c).relu()",
}
DEFAULT_PRESET = "a*b+c"
DEFAULT_INPUTS = {"a": 2.0, "b": -3.0, "c": 10.0}
# Each preset's own starting inputs, used when a preset is asked for without inputs: the
# softmax fragment at a=2, b=-3 sits in a corner where its grads are ~1e-5 and look broken;
# at a=1, b=0.5 every grad is a readable fraction.
PRESET_INPUTS = {
    "a*b+c": DEFAULT_INPUTS,
    "addition": DEFAULT_INPUTS,
    "multiplication": DEFAULT_INPUTS,
    "log+exp": {"a": 1.0, "b": 0.5, "c": 0.0},
    "relu": DEFAULT_INPUTS,
}
METHODS = ("exp", "log", "relu")
MAX_CHARS, MAX_NODES = 400, 2000
_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_SYMBOLS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
            ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&",
            ast.Invert: "~", ast.Not: "not"}
ALLOWED = "numbers, the inputs, + - * / ** (a number as exponent), and .exp() .log() .relu()"


def _error(message, node=None):
    col = node.col_offset + 1 if node is not None and hasattr(node, "col_offset") else None
    return ScriptError("ExpressionError", message, "", 1 if col else None, col, "autograd")


def _has_input(node):
    return any(isinstance(n, ast.Name) for n in ast.walk(node))


def validate(tree, names):
    """Raise an ExpressionError naming the first construct outside the allowed language."""
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Expression, ast.operator, ast.unaryop, ast.Load)):
            continue
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS:
                sym = _SYMBOLS.get(type(node.op), type(node.op).__name__)
                raise _error(f"the operator {sym} is not allowed; allowed: {ALLOWED}", node)
            if isinstance(node.op, ast.Pow) and _has_input(node.right):
                raise _error("an exponent must be a plain number: the script's Value only "
                             "defines Value ** number", node.right)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                sym = _SYMBOLS.get(type(node.op), type(node.op).__name__)
                raise _error(f"the operator {sym} is not allowed; allowed: {ALLOWED}", node)
        elif isinstance(node, ast.Constant):
            if type(node.value) not in (int, float):
                raise _error(f"{node.value!r} is not a number; allowed: {ALLOWED}", node)
        elif isinstance(node, ast.Name):
            if node.id not in names:
                known = ", ".join(sorted(names))
                raise _error(f"unknown name {node.id!r}: the inputs are {known}", node)
        elif isinstance(node, ast.Call):
            f = node.func
            if not (isinstance(f, ast.Attribute) and f.attr in METHODS):
                raise _error(f"only the methods .exp() .log() .relu() can be called; "
                             f"allowed: {ALLOWED}", node)
            if node.args or node.keywords:
                raise _error(f".{f.attr}() takes no arguments", node)
            if not _has_input(f.value):
                raise _error(f".{f.attr}() must be called on an expression of the inputs "
                             f"(a plain number has no .{f.attr}())", node)
        elif isinstance(node, ast.Attribute):
            if node.attr not in METHODS:
                raise _error(f"attribute .{node.attr} is not allowed; allowed: {ALLOWED}", node)
            if id(node) not in called:
                raise _error(f".{node.attr} must be called: .{node.attr}()", node)
        else:
            what = type(node).__name__
            raise _error(f"{what} is not allowed in an expression; allowed: {ALLOWED}", node)


_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.USub: "-"}


def _symbol(node):
    """How the expression wrote an operation: "/", "**", ".exp()"."""
    if isinstance(node, ast.BinOp | ast.UnaryOp):
        return _OPERATORS.get(type(node.op), "?")
    return f".{node.func.attr}()"


def _evaluate(tree, env, text=None, labels=None, made_in=None, children=None):
    """Evaluate with Python's operators (so the script's Value methods build the graph).

    `labels` gets each operation's result: its text in the expression. `made_in` gets the
    Values an operation made on the way (a / b is a * b**-1 in microgpt's Value): the text of
    that operation, so the page can say where a node with no text of its own comes from."""

    def hidden_below(out, node):
        stack = list(children(out))
        while stack:
            v = stack.pop()
            if isinstance(v, (int, float)) or id(v) in labels or id(v) in made_in:
                continue
            made_in[id(v)] = (ast.get_source_segment(text, node), _symbol(node))
            stack.extend(children(v))

    def ev(node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return env[node.id]
        if isinstance(node, ast.BinOp):
            out = _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        elif isinstance(node, ast.UnaryOp):
            val = ev(node.operand)
            out = -val if isinstance(node.op, ast.USub) else val
        else:  # a validated Call: value.method()
            out = getattr(ev(node.func.value), node.func.attr)()
        if labels is not None and not isinstance(out, (int, float)) and id(out) not in labels:
            labels[id(out)] = ast.get_source_segment(text, node)
            if made_in is not None:
                hidden_below(out, node)
        return out

    try:
        return ev(tree.body)
    except (ZeroDivisionError, OverflowError, ValueError, TypeError) as exc:
        # In this language only math.log raises ValueError (its wording varies by version).
        hint = " (log needs a number > 0)" if isinstance(exc, ValueError) else ""
        raise _error(f"could not evaluate the expression: {exc}{hint}") from None


def _parse(text, names):
    if not isinstance(text, str) or not text.strip():
        raise _error("the expression is empty")
    if len(text) > MAX_CHARS:
        raise _error(f"the expression is longer than {MAX_CHARS} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ScriptError("ExpressionError", f"syntax error: {exc.msg}", "", 1, exc.offset or None,
                          "autograd") from None
    validate(tree, names)
    if not _has_input(tree):
        raise _error("the expression must use at least one input")
    return tree


def _backward_loop(roles, source=None):
    """What to watch in the script's backward: {code: statement map}, the loop line and loop
    variable of backward()'s walk over the graph, and the statements that write a grad.

    The grad writes are found in every function of the class, closures included: microgpt's
    loop writes `child.grad += local_grad * v.grad`, micrograd's `_backward` closures write
    `self.grad += other.data * out.grad`. For each: {(code, line): (written name, visited
    name)}, the node written and the node whose grad is passed on (the one whose `.grad` the
    statement reads)."""
    nodes = roles.nodes
    cls, runner = nodes.cls, roles.runner
    method = getattr(cls, nodes.backward, None)
    code = getattr(method, "__code__", None)
    if code is None:
        raise ScriptShapeError(f"the script's {cls.__name__} has no {nodes.backward}()")
    tree = scriptast.parse(scriptast.script_source(runner.ns, runner.filename, source))
    node = codes.function_node(tree, code)
    if node is None:
        raise ScriptShapeError(f"{cls.__name__}.{nodes.backward}() is not in the script's source")
    loops = [st for st in node.body if isinstance(st, ast.For)]
    if not loops:
        raise ScriptShapeError(f"{cls.__name__}.{nodes.backward}() has no loop over the graph to "
                               "observe")
    own_writes = _grad_writes(node, nodes.grad)
    # The loop applying the chain rule: the top-level loop of backward() that holds a grad write
    # (microgpt), else one that calls something per node (micrograd's `node._backward()`), else
    # the last. Another loop (clearing the grads of computed nodes afterwards) is not it.
    loop = next((st for st in loops if any(st.lineno <= line <= st.end_lineno for line in own_writes)),
                None) or next((st for st in loops if any(isinstance(n, ast.Call) for s in st.body
                                                            for n in ast.walk(s))), loops[-1])
    maps, writes = {code: scriptast.statement_map(node)}, {}
    for fcode in codes.class_codes(cls, runner.filename):
        fnode = codes.function_node(tree, fcode)
        if fnode is None:
            continue
        found = _grad_writes(fnode, nodes.grad)
        if found:
            writes.update({(fcode, line): names for line, names in found.items()})
            maps.setdefault(fcode, scriptast.statement_map(fnode))
    return maps, code, loop.lineno, scriptast.loop_var(loop), writes


def _grad_writes(func_node, grad):
    """{line: (written name, visited name)} for the statements of the function (not of the
    functions nested in it) that add to `<name>.<grad>` or assign it from another grad."""
    out = {}
    own = [func_node]
    for st in ast.walk(func_node):
        if st is not func_node and isinstance(st, ast.FunctionDef):
            own.append(st)
    nested = {id(n) for f in own[1:] for n in ast.walk(f)}
    for st in ast.walk(func_node):
        if id(st) in nested or not isinstance(st, ast.Assign | ast.AugAssign):
            continue
        for target in st.targets if isinstance(st, ast.Assign) else [st.target]:
            if (isinstance(target, ast.Attribute) and target.attr == grad
                    and isinstance(target.value, ast.Name)):
                read = [n.value.id for n in ast.walk(st.value) if isinstance(n, ast.Attribute)
                        and n.attr == grad and isinstance(n.value, ast.Name)]
                # A chain-rule step adds to a grad or passes on another node's; setting one
                # (`self.grad = 1`, clearing with `v.grad = 0`) is not one.
                if read or isinstance(st, ast.AugAssign):
                    out[st.lineno] = (target.value.id, read[0] if read else None)
    return out


def _observed_backward(out, loop, index, nodes):
    """Call the script's backward on `out`; record the node its loop visits at each iteration
    and each grad written: {v: node passed on, node: the one written, grad: its grad right after
    the write}, in the order they happened."""
    maps, code, line, var, write_lines = loop
    order, writes = [], []
    last = [None]

    def done(frame, code_, stmt):
        names = write_lines.get((code_, stmt))
        if names is not None:
            local = observe.get_locals(frame)
            node = local.get(names[0])
            visited = local.get(names[1]) if names[1] else last[0]
            if id(node) in index and visited is not None and id(visited) in index:
                writes.append({"v": index[id(visited)], "node": index[id(node)],
                               "grad": nodes.grad_of(node)})
            return
        if code_ is not code or stmt != line:
            return
        v = observe.get_locals(frame).get(var)
        if v is not None and v is not last[0]:  # the final, exhausted check repeats the last
            last[0] = v
            order.append(index.get(id(v)))

    with observe.Watch(maps, done):
        getattr(out, nodes.backward)()
    return order, writes


def _fd_check(tree, nodes, inputs, grads):
    checks = {}
    for name, x in inputs.items():
        h = 1e-6 * max(1.0, abs(x))

        def f(xv, name=name):
            env = {k: nodes.cls(xv if k == name else v) for k, v in inputs.items()}
            return nodes.value(_evaluate(tree, env))

        try:
            fd = (f(x + h) - f(x - h)) / (2 * h)
            fd = float(fd)  # complex (negative base, fractional power) fails here
        except (ScriptError, TypeError):
            checks[name] = {"grad": grads[name], "fd": None, "agree": False, "h": h}
            continue
        g = grads[name]
        agree = math.isfinite(fd) and abs(fd - g) <= 1e-5 * max(1.0, abs(g), abs(fd))
        checks[name] = {"grad": g, "fd": fd, "agree": agree, "h": h}
    return checks


def _inputs(given, preset=None):
    inputs = dict(PRESET_INPUTS.get(preset, DEFAULT_INPUTS))
    for name, val in (given or {}).items():
        if not (isinstance(name, str) and name.isidentifier()) or name in METHODS:
            raise _error(f"{name!r} cannot be an input name")
        if isinstance(val, bool) or not isinstance(val, (int, float)) or not math.isfinite(val):
            raise _error(f"input {name} must be a finite number, not {val!r}")
        inputs[name] = float(val)
    return inputs


def presets(nodes):
    """The presets whose operations the script's autograd class has."""
    return [name for name, text in PRESETS.items()
            if all(callable(getattr(nodes.cls, m, None)) for m in METHODS if f".{m}()" in text)]


def run(roles, expr=None, preset=None, inputs=None, source=None):
    """Build, differentiate and check an expression with the script's autograd class.

    Returns {expr, preset, presets, inputs, nodes, edges, output_id, order, writes, grads,
    fd_check, backend, autograd}:
    nodes [{id, data, grad, op, label, kind: input|const|expr|hidden, made_in, made_by}] in topological order
    (made_in, made_by: for a hidden node, the text of the operation of the expression that made
    it and its operator, "/")
    (id = index), edges [{from: child id, to: parent id, local_grad}], order = node ids in the
    order backward()'s loop visited them, writes = [{v, node, grad}] the grads its chain-rule
    statements wrote (see _observed_backward), fd_check {name: {grad, fd, agree, h}}.
    A preset asked for without `inputs` starts from its own (PRESET_INPUTS); inputs given
    override them one by one.
    """
    nodes = roles.need("nodes")
    if isinstance(expr, str) and expr.strip() in PRESETS:
        preset, expr = expr.strip(), None  # a preset's name given where the text goes
    if expr is None or (isinstance(expr, str) and not expr.strip()):
        preset = preset or DEFAULT_PRESET
        if preset not in PRESETS:
            raise _error(f"unknown preset {preset!r}; presets: {', '.join(PRESETS)}")
        expr = PRESETS[preset]
    else:
        preset = None
    inputs = _inputs(inputs, preset)
    tree = _parse(expr, inputs)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and not callable(getattr(nodes.cls, node.attr, None)):
            raise _error(f"the script's {nodes.cls.__name__} has no .{node.attr}()", node)
    text = expr.strip()
    env = {name: nodes.cls(x) for name, x in inputs.items()}
    labels = {id(v): name for name, v in env.items()}
    made_in = {}
    out = _evaluate(tree, env, text, labels, made_in, nodes.children)
    topo = graph.topo_order(out, nodes)
    for v in topo:
        # A negative number to a fractional power is complex in Python; exp can reach inf.
        data = nodes.value(v)
        if type(data) is complex or not math.isfinite(data):
            raise _error(f"a step of the expression gives {data!r}, not a real number "
                         f"(a negative number to a fractional power, or too large?)")
    if len(topo) > MAX_NODES:
        raise _error(f"the graph has {len(topo)} nodes; keep it under {MAX_NODES}")
    index = {id(v): i for i, v in enumerate(topo)}
    loop = _backward_loop(roles, source)
    order, writes = _observed_backward(out, loop, index, nodes)

    input_ids = {id(v) for v in env.values()}
    out_nodes, edges = [], []
    for i, v in enumerate(topo):
        op = graph.infer_op(v, nodes)
        if id(v) in input_ids:
            kind = "input"
        elif op == "leaf":
            kind, labels[id(v)] = "const", labels.get(id(v)) or repr(nodes.value(v))
        else:
            kind = "expr" if id(v) in labels else "hidden"  # made inside an operation
        out_nodes.append({"id": i, "data": nodes.value(v), "grad": nodes.grad_of(v), "op": op,
                          "label": labels.get(id(v)), "kind": kind,
                          "made_in": made_in.get(id(v), (None, None))[0] if kind == "hidden" else None,
                          "made_by": made_in.get(id(v), (None, None))[1] if kind == "hidden" else None})
        for child, g in zip(nodes.children(v), nodes.local_grads(v), strict=False):
            edges.append({"from": index[id(child)], "to": i, "local_grad": g})
    grads = {name: nodes.grad_of(v) for name, v in env.items()}
    return {
        "expr": text,
        "preset": preset,
        "presets": presets(nodes),
        "inputs": inputs,
        "nodes": out_nodes,
        "edges": edges,
        "output_id": index[id(out)],
        "order": order,
        "writes": writes,
        "grads": grads,
        "fd_check": _fd_check(tree, nodes, inputs, grads),
        "backend": observe.backend(),
        "autograd": nodes.describe(),
    }
