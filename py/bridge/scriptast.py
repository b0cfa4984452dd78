"""Find things in the script's source by its syntax tree: functions, statements, loop variables.

The guide points at lines of the user's (possibly edited) script, so no line number or line text
is hard-coded anywhere: they are looked up here from the AST, by function and variable name.
"""

import ast
import linecache
import os

from .errors import ScriptShapeError

_COMPOUND_HEAD = {
    ast.For: "iter",
    ast.AsyncFor: "iter",
    ast.While: "test",
    ast.If: "test",
}
_PARSED = {}  # source text -> module AST; the script is parsed once however often we look


def script_source(ns, filename, source=None):
    """The script's text: given, kept by the bridge in linecache (as for tracebacks), or on disk."""
    if source:
        return source
    text = ns.get("__source__") if isinstance(ns, dict) else None
    if text:
        return text
    lines = linecache.getlines(filename)
    if lines:
        return "".join(lines)
    if filename and os.path.exists(filename):
        with open(filename, encoding="utf-8") as f:
            return f.read()
    raise ScriptShapeError(f"the source of {filename!r} is not available to point at its lines")


def parse(source):
    tree = _PARSED.get(source)
    if tree is None:
        if len(_PARSED) > 8:
            _PARSED.clear()
        tree = _PARSED[source] = ast.parse(source)
    return tree


def statement_map(func_node):
    """Map every line of the function body to the first line of the statement that owns it.

    Simple statements own all their lines. A compound statement (for, if, while, ...) owns
    only its header: the lines of its body belong to the statements inside. Nested defs and
    classes own their header; their bodies run in other code objects.
    """
    lines = {}

    def own(first, last, stmt_line):
        for line in range(first, last + 1):
            lines[line] = stmt_line

    def visit(body):
        for st in body:
            inner = [getattr(st, f, None) or [] for f in ("body", "orelse", "finalbody")]
            inner += [h.body for h in getattr(st, "handlers", [])]
            inner += [c.body for c in getattr(st, "cases", [])]
            inner = [b for b in inner if b]
            if not inner:
                own(st.lineno, st.end_lineno, st.lineno)
                continue
            head = getattr(st, _COMPOUND_HEAD.get(type(st), ""), None)
            if head is not None:
                last = head.end_lineno
            elif isinstance(st, (ast.With, ast.AsyncWith)):
                last = max(item.context_expr.end_lineno for item in st.items)
            else:
                last = st.lineno
            own(st.lineno, last, st.lineno)
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for b in inner:
                visit(b)

    visit(func_node.body)
    return lines


def loop_var(for_node):
    if not isinstance(for_node.target, ast.Name):
        raise ScriptShapeError(f"the loop at line {for_node.lineno} does not bind a single name")
    return for_node.target.id
