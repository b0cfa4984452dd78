"""Facts of the loaded script that the page's prose states, read from the script itself.

The chapters explain microgpt in words; wherever a sentence names a line or a figure of the
script (its model function's signature, the statement that calls backward, the chain-rule line,
how spread out the starting weights are), the page fills it in from here, so an edited or a
different script never leaves a sentence that is false. Everything is the script's own text
(from the AST) or measured from its objects at load, before any training step.

`facts(roles)` -> {model_def, backward_stmt, chain_rule, params_expr, container, init_std,
schedule_stmt, draw_stmt, train_loop, train_length}; a fact the script does not have is None.
`train_loop` is the training loop's header ("for step in range(num_steps)") and `train_length`
the names of its iterable that hold a number (["num_steps"]): when the loop is over, the page
says which name to edit to train longer.
"""

import ast
import math

from . import codes


def facts(roles):
    runner = roles.runner
    prog = runner.program
    tree = prog.tree
    out = {
        "model_def": None,
        "backward_stmt": None,
        "chain_rule": None,
        "params_expr": None,
        "container": None,
        "init_std": [],
        "schedule_stmt": None,
        "draw_stmt": None,
        "train_loop": None,
        "train_length": [],
    }
    if roles.model is not None:
        node = codes.function_node(tree, roles.model.code)
        if isinstance(node, ast.FunctionDef):
            args = [a.arg for a in node.args.args if a.arg not in ("self", "cls")]
            out["model_def"] = f"{roles.model.callee}({', '.join(args)})"
    if prog.train is not None:
        out["backward_stmt"] = _text(_backward_call(prog.train.inner))
        loop = prog.train.node
        out["train_loop"] = f"for {ast.unparse(loop.target)} in {ast.unparse(loop.iter)}"
        out["train_length"] = _number_names(loop.iter, runner.ns)
    if roles.nodes is not None:
        out["chain_rule"] = _chain_rule(tree, roles.nodes)
    if roles.params is not None:
        out["params_expr"] = ast.unparse(roles.params.loop.iter)
        first = roles.params.matrices[0].name if roles.params.matrices else ""
        out["container"] = _container(runner.ns, first)
        out["init_std"] = roles.init_std
    if roles.schedule is not None:
        out["schedule_stmt"] = " ".join(ast.unparse(s) for s in roles.schedule.stmts)
    if roles.sample is not None:
        token = roles.sample.role.token_var
        draw = next((s for s in roles.sample.role.position.body
                     if isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == token
                                                           for t in s.targets)), None)
        out["draw_stmt"] = _text(draw)
    return out


def measure_init_std(roles):
    """Each matrix's standard deviation as the script initialised it (at load, before training)."""
    if roles.params is None:
        return []
    data = [roles.nodes.value(p) for p in roles.params.nodes_list]
    out = []
    for m in roles.params.matrices:
        values = [data[i] for i in m.indices]
        mean = sum(values) / len(values)
        std = math.sqrt(sum((x - mean) ** 2 for x in values) / len(values))
        out.append({"name": m.name, "std": std, "mean": mean})
    return out


def _text(node):
    return ast.unparse(node) if node is not None else None


def _number_names(expr, ns):
    """The script's globals (or their attributes: `args.num_steps`) read in `expr` that hold a
    number (a loop's length, say), in order."""
    names = []
    for node in ast.walk(expr):
        if isinstance(node, ast.Name):
            value = ns.get(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            value = getattr(ns.get(node.value.id), node.attr, None)
        else:
            continue
        text = ast.unparse(node)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and text not in names:
            names.append(text)
    return names


def _backward_call(stmt):
    for node in ast.walk(stmt):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "backward"):
            return node
    return None


def _chain_rule(tree, nodes):
    """The statement of the autograd class that adds to a grad from another node's grad."""
    cls = next((n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)
                and n.name == nodes.cls.__name__), None)
    if cls is None:
        return None
    for node in ast.walk(cls):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Attribute):
            if node.target.attr == nodes.grad and any(
                    isinstance(n, ast.Attribute) and n.attr == nodes.grad for n in ast.walk(node.value)):
                return ast.unparse(node)
    return None


def _container(ns, first):
    """The global that holds the named matrices: a dict of them or a model object."""
    if not first:
        return None
    head = first.split(".")[0].split("[")[0]
    for name, value in ns.items():
        if name.startswith("_"):
            continue
        if isinstance(value, dict) and first in value:
            return name
        if hasattr(value, "__dict__") and not isinstance(value, type) and head in vars(value):
            return name
    return head if head in ns else None
