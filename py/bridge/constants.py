"""Where the script sets its top-level constants, for the page's hyperparameter fields.

`constants(source)` -> {name: {value, line, col, end_line, end_col}} for every module-level
assignment of a plain number (or string/bool) to a name, including tuple unpacking such as
`learning_rate, beta1 = 0.01, 0.85`. The span is the value's own source text (lines 1-based,
columns 0-based in characters), so the page can replace just `16` in `n_embd = 16  # ...` and the
script stays the one source of truth. The source is parsed, never run.
"""

import ast

from .errors import from_syntax_error


def constants(source):
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise from_syntax_error(exc, "parse") from None
    found = {}
    lines = source.splitlines()
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            for name, value in _pairs(target, node.value):
                literal = _literal(value)
                if literal is not None:
                    found[name] = {"value": literal, **_span(value, lines)}
    return found


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
