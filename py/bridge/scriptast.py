"""Find things in the script's source by its syntax tree: functions, statements, loop variables.

The guide points at lines of the user's (possibly edited) script, so no line number or line text
is hard-coded anywhere: they are looked up here from the AST, by function and variable name.
"""

import ast
import linecache
import os

from bridge.errors import ScriptError, ScriptShapeError

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


def find_function(tree, name, cls=None):
    """The top-level `def name` (or method `cls.name`); a ScriptShapeError if missing."""
    body = tree.body
    if cls is not None:
        owner = [n for n in body if isinstance(n, ast.ClassDef) and n.name == cls]
        if not owner:
            raise ScriptShapeError(f"the script has no class {cls}")
        body = owner[-1].body
    found = [n for n in body if isinstance(n, ast.FunctionDef) and n.name == name]
    if not found:
        where = f"class {cls}" if cls else "the script"
        raise ScriptShapeError(f"{where} has no function {name}()")
    return found[-1]  # like Python, the last definition wins


def check_code_matches(code, func_node):
    """Guard against pointing at the wrong lines: the running function must be this def."""
    first = min([func_node.lineno] + [d.lineno for d in func_node.decorator_list])
    if code.co_firstlineno != first:
        raise ScriptShapeError(
            f"{func_node.name}() runs from line {code.co_firstlineno} but the source defines it "
            f"at line {first}: the source does not match the running script"
        )


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


def assignment(func_node, var):
    """The statement in the function that assigns `var`, and the `for` loops around it."""

    def search(body, loops):
        for st in body:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(st, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = st.targets if isinstance(st, ast.Assign) else [st.target]
                if any(isinstance(t, ast.Name) and t.id == var for t in targets):
                    return st, loops
            for field in ("body", "orelse", "finalbody"):
                sub = getattr(st, field, None)
                if sub:
                    here = loops + [st] if isinstance(st, ast.For) and field == "body" else loops
                    hit = search(sub, here)
                    if hit:
                        return hit
        return None

    hit = search(func_node.body, [])
    if hit is None:
        raise ScriptShapeError(f"{func_node.name}() has no assignment to {var}")
    return hit


def loop_var(for_node):
    if not isinstance(for_node.target, ast.Name):
        raise ScriptShapeError(f"the loop at line {for_node.lineno} does not bind a single name")
    return for_node.target.id


def tokenize(ns, text):
    """[BOS] + the script's own token ids for `text` + [BOS], as the training loop does."""
    uchars, bos = ns["uchars"], ns["BOS"]
    ids = [bos]
    for i, ch in enumerate(text):
        if ch not in uchars:
            raise ScriptError(
                "VocabularyError",
                f"character {ch!r} (position {i + 1} of {text!r}) is not in the vocabulary "
                f"of this data set",
            )
        ids.append(uchars.index(ch))
    ids.append(bos)
    return ids


def token_text(ns, token_id):
    return "<BOS>" if token_id == ns["BOS"] else ns["uchars"][token_id]
