"""Where the script sets its constants, for the page's hyperparameter fields.

`constants(source)` -> {name: {value, line, col, end_line, end_col, help, kind}} for every
assignment of a plain number (or string/bool) to a name at the program's top level (a `main()`
body and a main guard included: program.unwrap), including tuple unpacking such as
`learning_rate, beta1 = 0.01, 0.85`, and for every argparse option with a literal `default=`
(`parser.add_argument('--n_embd', type=int, default=16, help='...')`, named by its dest). The
span is the value's own source text (lines 1-based, columns 0-based in characters), so the page
can replace just `16` in `n_embd = 16  # ...` and the script stays the one source of truth.
`help` is the script's own words for it: the comment at the end of its line, or argparse's
`help=`; `kind` is "int", "float", "str" or "bool". The source is parsed, never run.
"""

import ast

from . import program
from .errors import from_syntax_error


def constants(source):
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise from_syntax_error(exc, "parse") from None
    found = {}
    lines = source.splitlines()
    for node in program.unwrap(tree.body, tree.body):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name, value in _pairs(target, node.value):
                    _add(found, name, value, lines, _comment(lines, node))
    for node in ast.walk(tree):
        option = _argparse_option(node)
        if option is not None:
            name, value, text = option
            _add(found, name, value, lines, text)
    return found


def _add(found, name, value, lines, text):
    literal = _literal(value)
    if literal is not None:
        found[name] = {"value": literal, **_span(value, lines), "help": text,
                       "kind": type(literal).__name__}


def _comment(lines, node):
    """The comment at the end of the statement's last line, else the comment line just above."""
    line = lines[node.end_lineno - 1] if 0 < node.end_lineno <= len(lines) else ""
    code = line.encode("utf-8")[node.end_col_offset:].decode("utf-8", "replace")
    head, sep, tail = code.partition("#")
    if sep and not head.strip():
        return tail.strip()
    above = lines[node.lineno - 2].strip() if node.lineno >= 2 else ""
    return above.lstrip("#").strip() or None if above.startswith("#") else None


def _argparse_option(node):
    """(dest, default value node, help text) of `parser.add_argument('--x', default=...)`."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_argument"):
        return None
    keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg}
    if "default" not in keywords:
        return None
    dest = keywords.get("dest")
    name = dest.value if isinstance(dest, ast.Constant) else None
    if name is None:
        flags = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        longs = [f for f in flags if f.startswith("--")] or flags
        if not longs:
            return None
        name = longs[0].lstrip("-").replace("-", "_")
    text = keywords.get("help")
    return name, keywords["default"], text.value if isinstance(text, ast.Constant) else None


def _pairs(target, value):
    if isinstance(target, ast.Name):
        yield target.id, value
    elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
        if len(target.elts) == len(value.elts):
            for t, v in zip(target.elts, value.elts, strict=True):
                yield from _pairs(t, v)


def _literal(node):
    """The value of a number/str/bool literal (a leading minus allowed), else None."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, int | float | str | bool) else None


def _span(node, lines):
    # ast columns are UTF-8 byte offsets; the page counts characters.
    def chars(line, byte_col):
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    return {
        "line": node.lineno,
        "col": chars(node.lineno, node.col_offset),
        "end_line": node.end_lineno,
        "end_col": chars(node.end_lineno, node.end_col_offset),
    }
