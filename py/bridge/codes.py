"""The script's functions as code objects, and where their statements are in its source.

The observers (observe.Watch) listen to code objects; the page points at lines. This module
connects the two for any function the script defines, whatever its name: top-level functions,
lambdas bound to names, methods of its classes, and functions nested in those (micrograd's
`_backward` closures).
"""

import ast
import types

from . import scriptast

COMPREHENSIONS = ("<listcomp>", "<genexpr>", "<dictcomp>", "<setcomp>")


def script_functions(ns, filename, skip_classes=()):
    """{code object: qualified name} for the functions and methods the script defines.

    Nested code objects (closures, but not comprehensions) are included for the classes in
    nothing else; those of `skip_classes` are left out."""
    found = {}
    for obj in list(ns.values()):
        if isinstance(obj, types.FunctionType):
            _add(found, obj, filename)
        elif isinstance(obj, type) and obj not in skip_classes:
            for klass in obj.__mro__:
                if klass in skip_classes:
                    continue
                for member in vars(klass).values():
                    member = getattr(member, "__func__", member)  # staticmethod, classmethod
                    if isinstance(member, property):
                        member = member.fget
                    if isinstance(member, types.FunctionType):
                        _add(found, member, filename)
    return found


def class_codes(cls, filename):
    """{code: qualified name} of a class's methods and every function nested in them."""
    found = {}
    for member in vars(cls).values():
        member = getattr(member, "__func__", member)
        if isinstance(member, types.FunctionType) and member.__code__.co_filename == filename:
            stack = [(member.__code__, member.__qualname__)]
            while stack:
                code, name = stack.pop()
                found[code] = name
                for const in code.co_consts:
                    if isinstance(const, types.CodeType) and const.co_name not in COMPREHENSIONS:
                        stack.append((const, f"{name}.<locals>.{const.co_name}"))
    return found


def _add(found, func, filename):
    code = getattr(func, "__code__", None)
    if code is not None and code.co_filename == filename:
        found[code] = func.__qualname__


def function_node(tree, code):
    """The FunctionDef (or Lambda) in `tree` that compiled to `code`: same name, same first line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            if node.name == code.co_name and first == code.co_firstlineno:
                return node
        elif isinstance(node, ast.Lambda) and code.co_name == "<lambda>":
            if node.lineno == code.co_firstlineno:
                return node
    return None


def statement_map(tree, code):
    """{line: statement start} for the function that compiled to `code`; {} if not found."""
    node = function_node(tree, code)
    if node is None or isinstance(node, ast.Lambda):
        return {}
    return scriptast.statement_map(node)


def piece_map(stmts):
    """{line: statement start} for statements run as a piece of module-level code."""
    return scriptast.statement_map(types.SimpleNamespace(body=list(stmts)))


def arguments(frame, code):
    """A call's positional arguments, read from its frame as it starts (`self` left out)."""
    names = code.co_varnames[: code.co_argcount]
    local = frame.f_locals
    values = [local.get(n) for n in names]
    if names and names[0] in ("self", "cls"):
        values = values[1:]
    return values
