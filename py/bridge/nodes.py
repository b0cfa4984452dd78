"""The script's autograd node type, however it stores its graph, read by trying it out.

microgpt's `Value` keeps its inputs in `_children` and the local derivatives in `_local_grads`;
a micrograd-style `Value` keeps its inputs in a set `_prev`, a `_backward` closure per node and
an `_op` label. Rather than know those names, `discover` makes two small nodes of the class, adds
and multiplies them with the script's own operators, calls the script's own backward, and sees
which attribute holds what:

  data       the attribute that holds 2.0 on `Value(2.0)`
  children   the container on `a * b` that holds a and b
  local      a sequence of numbers as long as the children, (b, a) for a * b; or else
  closure    a callable attribute of the node (its `_backward`): the local derivatives are read
             by running it on the node with the children's grads zeroed and the node's set to 1
  grad       the attribute of `a` that backward() changed to b's data
  op         a short string attribute (`_op`), when the class labels its nodes

`Nodes` then answers children / local_grads / op for any node of that class, so the graph
explorers work on either kind.
"""

import math
from dataclasses import dataclass

from .errors import ScriptShapeError


@dataclass
class Nodes:
    cls: type
    data: str
    grad: str
    children_attr: str
    local_attr: str | None
    closure_attr: str | None
    op_attr: str | None
    backward: str  # the method the training loop calls on the loss
    operands: dict = None  # closure code -> its method's parameters, for children kept in a set

    def is_node(self, x):
        return isinstance(x, self.cls)

    def children(self, node):
        kids = getattr(node, self.children_attr)
        if isinstance(kids, tuple | list):
            return kids
        return self._in_operand_order(node, tuple(kids))

    def _in_operand_order(self, node, kids):
        """Children kept in a set have no order of their own (a set follows memory addresses):
        put them in the order of the operation's parameters (self, then other), read from the
        values its `_backward` closure captured, so the same expression draws the same way."""
        closure = getattr(node, self.closure_attr, None) if self.closure_attr else None
        code = getattr(closure, "__code__", None)
        params = (self.operands or {}).get(code)
        if not params or not closure.__closure__:
            return kids
        try:
            cells = dict(zip(code.co_freevars, (c.cell_contents for c in closure.__closure__),
                             strict=True))
        except ValueError:  # an empty cell
            return kids
        ordered = []
        for name in params:
            value = cells.get(name)
            if any(value is k for k in kids) and not any(value is o for o in ordered):
                ordered.append(value)
        return tuple(ordered) + tuple(k for k in kids if not any(k is o for o in ordered))

    def local_grads(self, node):
        """d(node)/d(child) for each of children(node), as the script recorded or computes it."""
        if self.local_attr is not None:
            return tuple(getattr(node, self.local_attr))
        kids = self.children(node)
        if not kids:
            return ()
        closure = getattr(node, self.closure_attr, None)
        if not callable(closure):
            return tuple(None for _ in kids)
        # Run the node's own backward step with a unit upstream gradient; restore every grad.
        saved = [getattr(k, self.grad) for k in kids]
        own = getattr(node, self.grad)
        try:
            for k in kids:
                setattr(k, self.grad, 0.0)
            setattr(node, self.grad, 1.0)
            closure()
            return tuple(getattr(k, self.grad) for k in kids)
        except Exception:  # a closure that needs more than its node (rare): unknown
            return tuple(None for _ in kids)
        finally:
            for k, g in zip(kids, saved, strict=True):
                setattr(k, self.grad, g)
            setattr(node, self.grad, own)

    def value(self, node):
        return getattr(node, self.data)

    def grad_of(self, node):
        return getattr(node, self.grad)

    def label(self, node):
        """The script's own label for the operation, when it keeps one ("*", "ReLU"...)."""
        if self.op_attr is None:
            return None
        op = getattr(node, self.op_attr, None)
        return op if isinstance(op, str) and op else None

    def describe(self):
        return {
            "class": self.cls.__name__,
            "data": self.data,
            "grad": self.grad,
            "children": self.children_attr,
            "local_grads": self.local_attr,
            "closure": self.closure_attr,
            "op": self.op_attr,
            "backward": self.backward,
        }


def candidates(ns, filename, method="backward"):
    """Classes the script defines that have the method the training loop calls on its loss."""
    found = []
    for obj in list(ns.values()):
        if isinstance(obj, type) and callable(getattr(obj, method, None)):
            code = getattr(getattr(obj, method), "__code__", None)
            if code is not None and code.co_filename == filename:
                found.append(obj)
    return found


def discover(ns, filename, method="backward"):
    """The script's autograd node type, or a ScriptShapeError saying what was looked for."""
    tried = []
    for cls in candidates(ns, filename, method):
        try:
            return _probe(cls, method)
        except (ScriptShapeError, Exception) as exc:  # a class that is not a node type
            tried.append(f"{cls.__name__} ({exc})")
    where = f" (tried {', '.join(tried)})" if tried else ""
    raise ScriptShapeError(
        f"no autograd class found: looked for a class of the script with a .{method}() method "
        f"whose objects hold a number and can be added and multiplied{where}")


def _attrs(obj):
    names = list(getattr(obj, "__dict__", {}) or {})
    for klass in type(obj).__mro__:
        slots = klass.__dict__.get("__slots__", ())
        names.extend([slots] if isinstance(slots, str) else slots)
    seen, out = set(), []
    for name in names:
        if name not in seen and name not in ("__dict__", "__weakref__") and hasattr(obj, name):
            seen.add(name)
            out.append(name)
    return out


def _is_number(x):
    return isinstance(x, int | float) and not isinstance(x, bool)


def _probe(cls, method):
    a, b = cls(2.0), cls(3.0)
    data = next((n for n in _attrs(a) if getattr(a, n) is not None and _is_number(getattr(a, n))
                 and getattr(a, n) == 2.0 and getattr(b, n, None) == 3.0), None)
    if data is None:
        raise ScriptShapeError("Value(2.0) keeps 2.0 in no attribute")
    c = a * b
    if not isinstance(c, cls) or getattr(c, data) != 6.0:
        raise ScriptShapeError("a * b is not a node holding 6.0")
    children = next((n for n in _attrs(c) if _holds(getattr(c, n), (a, b))), None)
    if children is None:
        raise ScriptShapeError("a * b keeps a and b in no attribute")
    kids = getattr(c, children)
    kids = tuple(kids) if isinstance(kids, tuple | list) else tuple(kids)
    expected = tuple(getattr(b if k is a else a, data) for k in kids)
    local = next((n for n in _attrs(c) if n not in (data, children)
                  and isinstance(getattr(c, n), tuple | list)
                  and tuple(getattr(c, n)) == expected), None)
    closure = None
    if local is None:
        closure = next((n for n in _attrs(c) if n not in (data, children)
                        and callable(getattr(c, n)) and not isinstance(getattr(c, n), type)), None)
        if closure is None:
            raise ScriptShapeError("a * b keeps neither its local derivatives nor a backward step")
    before = {n: getattr(a, n) for n in _attrs(a)}
    getattr(c, method)()
    grad = next((n for n in _attrs(a) if n != data and _is_number(getattr(a, n))
                 and math.isclose(getattr(a, n), 3.0) and before.get(n) != getattr(a, n)), None)
    if grad is None:
        raise ScriptShapeError(f"(a * b).{method}() left 3.0 in no attribute of a")
    op = next((n for n in _attrs(c) if isinstance(getattr(c, n), str) and getattr(c, n)
               and n not in (data, grad, children)), None)
    return Nodes(cls, data, grad, children, local, closure, op, method, _operands(cls))


def _operands(cls):
    """code of each closure defined in a method -> that method's parameter names, in order."""
    out = {}
    for member in vars(cls).values():
        code = getattr(getattr(member, "__func__", member), "__code__", None)
        if code is None:
            continue
        params = code.co_varnames[: code.co_argcount]
        for const in code.co_consts:
            if hasattr(const, "co_freevars"):
                out[const] = params
    return out


def _holds(container, items):
    if not isinstance(container, tuple | list | set | frozenset):
        return False
    members = list(container)
    return len(members) == len(items) and all(any(m is x for m in members) for x in items)
