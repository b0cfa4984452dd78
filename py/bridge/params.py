"""The model's parameters, found where the optimizer finds them, and named where the script keeps them.

  the parameters   what the update loop walks: the first `for` in the update part of the training
                   step whose iterable yields autograd nodes (`for i, p in enumerate(params)`,
                   `for p in model.parameters()`). Their order is the optimizer's order, which
                   is the order of every flat array the bridge sends.
  the moments      the per-parameter lists that loop writes by index (`m[i] = ...`, `v[i] = ...`),
                   in the order it writes them: Adam's first and second moments.
  the matrices     the script's own named groups of parameters: the values of a dict of matrices
                   (`state_dict['wte']`), the attributes of its model objects (`model.wte`,
                   `model.blocks[0].attn.wq`), or plain global lists of rows. A matrix reachable
                   under two names (weight tying) is one matrix with an alias. Each knows where
                   its numbers are in the flat order.
"""

import ast
import types
from array import array
from dataclasses import dataclass, field

MAX_DEPTH = 6
MAX_LIST_WALK = 64  # lists longer than this are data (documents), not containers of parameters


@dataclass
class Matrix:
    name: str
    rows: int
    cols: int
    obj: object  # the script's own list of rows (a vector is kept as one row)
    indices: list  # flat parameter index of each entry, row by row
    aliases: list = field(default_factory=list)

    @property
    def offset(self):
        """Where the matrix starts in the flat order, if it is stored there row by row."""
        first = self.indices[0]
        return first if self.indices == list(range(first, first + len(self.indices))) else None

    def rows_of(self):
        return self.obj if self.rows > 1 or isinstance(self.obj[0], list | tuple) else [self.obj]


@dataclass
class Params:
    loop: ast.For
    nodes_list: list  # the parameters, in the optimizer's order
    moments: list  # global names of per-parameter lists the update writes (m, v)
    matrices: list  # Matrix, in flat order
    index: dict  # id(node) -> flat index

    def matrix_of(self, node):
        i = self.index.get(id(node))
        if i is None:
            return None
        for m in self.matrices:
            if i in m.indices:
                return m
        return None

    def layout(self):
        return [{"name": m.name, "rows": m.rows, "cols": m.cols, "offset": m.offset,
                 "aliases": m.aliases} for m in self.matrices]


def find(runner, nodes):
    """The Params of the loaded script, or None when its update loop walks no nodes."""
    train = runner.program.train
    ns = runner.ns
    for stmt in train.after:
        for loop in (n for n in ast.walk(stmt) if isinstance(n, ast.For)):
            found = _params_of(runner, loop, nodes)
            if found:
                index = {id(p): i for i, p in enumerate(found)}
                moments = _moments(loop, ns, len(found))
                matrices = _matrices(ns, index, nodes, runner.filename)
                return Params(loop, found, moments, matrices, index)
    return None


def _params_of(runner, loop, nodes):
    try:
        items = list(eval(runner.compile_expr(loop.iter), runner.ns))
    except Exception:  # the iterable needs names the step binds: not the parameters' loop
        return None
    out = []
    for item in items:
        parts = item if isinstance(item, tuple) else (item,)
        found = [x for x in parts if nodes.is_node(x)]
        if len(found) != 1:
            return None
        out.append(found[0])
    return out or None


def _moments(loop, ns, count):
    names = []
    for node in ast.walk(loop):
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                    value = ns.get(t.value.id)
                    if (isinstance(value, list) and len(value) == count
                            and t.value.id not in names):
                        names.append(t.value.id)
    return names


def _matrices(ns, index, nodes, filename):
    found = {}  # id(obj) -> [obj, [paths]]: a matrix seen under several names (tied weights)
    walked = set()

    def visit(path, obj, depth):
        if _is_params_2d(obj, index) or (_is_params_1d(obj, index) and len(obj) < len(index)):
            entry = found.setdefault(id(obj), [obj, []])
            if path not in entry[1]:
                entry[1].append(path)
            return
        if depth >= MAX_DEPTH or id(obj) in walked:
            return
        if isinstance(obj, dict):
            walked.add(id(obj))
            for key, value in obj.items():
                visit(_join(path, str(key)), value, depth + 1)
        elif isinstance(obj, list | tuple) and 0 < len(obj) <= MAX_LIST_WALK:
            walked.add(id(obj))
            for i, value in enumerate(obj):
                visit(f"{path}[{i}]", value, depth + 1)
        elif _is_script_object(obj, nodes, filename):
            walked.add(id(obj))
            for attr, value in vars(obj).items():
                visit(_join(path, attr), value, depth + 1)

    for name, value in list(ns.items()):
        if name.startswith("_") or isinstance(value, types.ModuleType | type | types.FunctionType):
            continue
        # A dict of matrices or a model object names its parts: state_dict['wte'] is "wte".
        container = isinstance(value, dict) or _is_script_object(value, nodes, filename)
        visit("" if container else name, value, 0)
    out, claimed = [], set()
    for obj, paths in sorted(found.values(), key=lambda e: _first_index(e[0], index)):
        rows = obj if _is_params_2d(obj, index) else [obj]
        indices = [index[id(p)] for row in rows for p in row]
        if claimed & set(indices):
            continue
        claimed.update(indices)
        out.append(Matrix(paths[0], len(rows), len(rows[0]), obj, indices, paths[1:]))
    rest = [i for i in range(len(index)) if i not in claimed]
    if rest:
        out.append(Matrix("other", 1, len(rest), None, rest))
    return out


def _first_index(obj, index):
    first = obj[0]
    return index[id(first[0] if isinstance(first, list | tuple) else first)]


def _join(path, key):
    return f"{path}.{key}" if path else key


def _is_params_1d(obj, index):
    return (isinstance(obj, list | tuple) and len(obj) > 0
            and all(id(p) in index for p in obj))


def _is_params_2d(obj, index):
    return (isinstance(obj, list | tuple) and len(obj) > 0
            and all(isinstance(r, list | tuple) and len(r) == len(obj[0]) and len(r) > 0
                    and all(id(p) in index for p in r) for r in obj))


def _is_script_object(obj, nodes, filename):
    cls = type(obj)
    if nodes.is_node(obj) or not hasattr(obj, "__dict__") or isinstance(obj, type):
        return False
    return any(getattr(getattr(f, "__code__", None), "co_filename", None) == filename
               for f in vars(cls).values()) or cls.__module__ == "__main__"


# ---- the numbers, as flat arrays in the optimizer's order ----

def data(params, nodes):
    return array("d", [nodes.value(p) for p in params.nodes_list])


def grads(params, nodes):
    return array("d", [_number(nodes.grad_of(p)) for p in params.nodes_list])


def moment(params, ns, k):
    """Moment k (0: m, 1: v) as an array; zeros if the script keeps no such list."""
    if k < len(params.moments):
        return array("d", [_number(x) for x in ns[params.moments[k]]])
    return array("d", bytes(8 * len(params.nodes_list)))


def snapshot(params, nodes, ns):
    """Everything a step may change in place, to put back if the step fails halfway."""
    return {
        "data": [nodes.value(p) for p in params.nodes_list],
        "grad": [nodes.grad_of(p) for p in params.nodes_list],
        "moments": {name: list(ns[name]) for name in params.moments},
    }


def restore(params, nodes, ns, saved):
    for p, d, g in zip(params.nodes_list, saved["data"], saved["grad"], strict=True):
        setattr(p, nodes.data, d)
        setattr(p, nodes.grad, g)
    for name, values in saved["moments"].items():
        ns[name][:] = values


def load(params, nodes, ns, data_values, moments):
    """Set the parameters' data, zero their grads, fill the moments (in place)."""
    for p, d in zip(params.nodes_list, data_values, strict=True):
        setattr(p, nodes.data, d)
        setattr(p, nodes.grad, 0)
    for name, values in zip(params.moments, moments, strict=False):
        if len(ns[name]) == len(values):
            ns[name][:] = list(values)


def _number(x):
    return float(x) if isinstance(x, int | float) else 0.0

