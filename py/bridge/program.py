"""The script's program as a sequence of statements, cut where the guide needs to step it.

Nothing here depends on names or line numbers: the parts are found by shape.

  program    the top-level statements, with `if __name__ == "__main__":` opened up and a bare
             call of a script function that holds the training loop (`main()`) replaced by that
             function's body, so a script written either way is run the same way.
  training   the first `for` whose body calls `.backward()`; its body is cut in three at the
             first statement that does: forward (before it), backward (it) and update (after).
             When that statement is itself a loop (one backward per position), the forward
             work happens inside it too.
  setup      everything before the training loop. A training loop inside an `if` (train unless
             saved weights exist) is reached by evaluating each `if` on the way, in order, once
             the statements before it have run: `cut(body, choose)` asks `choose` which branch.
  after      everything after the training loop (inference), innermost block first.

A statement list from anywhere in the program compiles as module-level code (runner.py), so the
script's locals in `main()` become the namespace's globals, which is where the guide looks.
"""

import ast
from dataclasses import dataclass, field


@dataclass
class Loop:
    """A `for` loop with its body cut at one statement (`inner`)."""

    node: ast.For
    before: list = field(default_factory=list)
    inner: ast.stmt | None = None
    after: list = field(default_factory=list)


@dataclass
class Program:
    tree: ast.Module
    body: list  # the unwrapped top-level statements
    setup: list  # statements before the training loop, in order (if-headers not included)
    branches: list  # the `if` statements passed on the way to the loop: [(node, taken)]
    train: Loop | None
    after: list  # statements after the training loop

    def statements(self):
        """Every statement the program runs at its own level, for phase lookups."""
        return self.setup + ([self.train.node] if self.train else []) + self.after


def parse(source, filename):
    """The program of `source`, cut statically (an `if` on the way: the branch with the loop).

    SyntaxError propagates with the script's own line and column."""
    tree = ast.parse(source, filename)
    return cut(tree, unwrap(tree.body, tree.body))


def unwrap(body, top):
    """`body` with main guards opened and `main()`-style calls replaced by the function body."""
    out = []
    for stmt in body:
        if _is_main_guard(stmt):
            out.extend(unwrap(stmt.body, top))
            continue
        func = _called_program_function(stmt, top)
        if func is not None:
            out.extend(unwrap(_module_level(func.body), top))
            continue
        out.append(stmt)
    return out


def cut(tree, body, choose=None):
    """Find the training loop in `body`. `choose(if_node, before) -> bool` picks the branch of an
    `if` that holds the loop somewhere, after running `before`; None picks the loop's branch."""
    setup, branches, pending_after = [], [], []
    stmts = list(body)
    while True:
        index = next((i for i, s in enumerate(stmts) if is_training_loop(s) or _holds_loop(s)),
                     None)
        if index is None:
            return Program(tree, body, setup + stmts, branches, None, [])
        stmt = stmts[index]
        before, rest = stmts[:index], stmts[index + 1:]
        setup.extend(before)
        if is_training_loop(stmt):
            after = rest + [s for block in pending_after for s in block]
            return Program(tree, body, setup, branches, split_loop(stmt), after)
        in_body = _contains_loop(stmt.body)
        taken = choose(stmt, before) if choose is not None else in_body
        branches.append((stmt, bool(taken)))
        pending_after.insert(0, rest)
        branch = stmt.body if taken else stmt.orelse
        if taken != in_body and not _contains_loop(branch):
            # The branch taken skips training (saved weights were found): nothing to step.
            return Program(tree, body, setup + list(branch),
                           branches, None, [s for block in pending_after for s in block])
        stmts = list(branch)


def split_loop(loop):
    back = next(i for i, s in enumerate(loop.body) if calls_method([s], "backward"))
    return Loop(loop, loop.body[:back], loop.body[back], loop.body[back + 1:])


def is_training_loop(stmt):
    return isinstance(stmt, ast.For) and calls_method(stmt.body, "backward")


def calls_method(stmts, name):
    """Does any of `stmts` call `<something>.name(...)`?"""
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == name
        for stmt in stmts for n in ast.walk(stmt)
    )


def first_loop(stmts):
    """The first `for` inside `stmts` (searched in order, nested statements included)."""
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, ast.For):
                return node
    return None


def stored_names(stmt):
    """Names a statement binds or fills in: `x = ...`, `x[k] = ...`, `x.attr = ...`, `for x`."""
    names = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Subscript | ast.Attribute) and isinstance(node.ctx, ast.Store):
            base = base_name(node)
            if base:
                names.add(base)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).partition(".")[0] for a in node.names)
    return names


def mutated_names(stmt):
    """Names whose object a statement changes in place: `x.append(...)`, `random.shuffle(x)`."""
    names = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
                if node.func.attr in ("append", "extend", "insert", "sort", "shuffle", "update"):
                    names.add(node.func.value.id)
                if node.func.attr == "shuffle":
                    names.update(a.id for a in node.args if isinstance(a, ast.Name))
    return names


def loaded_names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def base_name(node):
    """`x` for `x`, `x[i]`, `x.a.b`, `x[i].a`; None when the base is not a name."""
    while isinstance(node, ast.Subscript | ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def span(nodes):
    """[first line, last line] of statements, decorators included."""
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return None
    first = min(min([n.lineno] + [d.lineno for d in getattr(n, "decorator_list", [])])
                for n in nodes)
    return [first, max(n.end_lineno for n in nodes)]


def _is_main_guard(stmt):
    if not isinstance(stmt, ast.If):
        return False
    test = stmt.test
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "__name__" and len(test.comparators) == 1
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


def _called_program_function(stmt, top):
    """The top-level `def f()` that `stmt` (a bare `f()`) calls, if it holds a training loop."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return None
    call = stmt.value
    if call.args or call.keywords or not isinstance(call.func, ast.Name):
        return None
    defs = [s for s in top if isinstance(s, ast.FunctionDef) and s.name == call.func.id]
    if not defs or defs[-1].args.args or not _contains_loop(defs[-1].body):
        return None
    return defs[-1]


def _module_level(body):
    """A function body as module-level statements: a final bare `return` and `global` go."""
    out = [s for s in body if not isinstance(s, ast.Global)]
    if out and isinstance(out[-1], ast.Return) and out[-1].value is None:
        out.pop()
    return out


def _contains_loop(stmts):
    return any(is_training_loop(n) for stmt in stmts for n in ast.walk(stmt))


def _holds_loop(stmt):
    return isinstance(stmt, ast.If) and _contains_loop([stmt])
