"""The first look at a loaded script's training step: which function is the model, and how the
loop calls it. Found by running the loop body's forward work once (forward.py) and watching every
function of the script that the loop itself calls, not by its name.

The model is the function (or callable object) the loop calls with a token id, which returns
one score per vocabulary entry: a list of autograd nodes, called once per position. Its token
argument is the one that walks the document's token ids; its position argument counts 0, 1, 2...
"""

import ast
import types
from dataclasses import dataclass, field

from . import codes, observe
from .forward import Forward


@dataclass
class Call:
    code: types.CodeType
    args: list
    result: object = None


@dataclass
class Probe:
    calls: list  # direct calls from the loop body, in order
    names: dict  # what the loop body bound, as the run left it
    receivers: list  # what backward() was called on
    forward: Forward


@dataclass
class ModelRole:
    code: types.CodeType
    name: str  # the function's qualified name in the script: gpt, GPT.__call__
    callee: str  # how the loop calls it: "gpt", "model"
    token_arg: int | None
    pos_arg: int | None
    vocab_size: int
    calls: list = field(default_factory=list)  # the probe's calls, for the other roles


def run(runner, nodes, forward):
    """Run the first training step's forward work, recording the loop's own calls."""
    funcs = codes.script_functions(runner.ns, runner.filename, skip_classes=(nodes.cls,))
    pieces = forward.pieces
    calls, open_calls = [], {}

    def on_call(frame, code):
        caller = frame.f_back
        while caller is not None and caller.f_code.co_name in codes.COMPREHENSIONS:
            caller = caller.f_back
        if caller is not None and caller.f_code in pieces:
            record = Call(code, codes.arguments(frame, code))
            calls.append(record)
            open_calls[id(frame)] = record

    def on_leave(frame, code, value):
        record = open_calls.pop(id(frame), None)
        if record is not None:
            record.result = value

    watch = observe.Watch({}, calls=funcs, on_call=on_call, on_leave=on_leave)
    names, receivers = forward.run(watch=watch, nodes=nodes)
    return Probe(calls, names, receivers, forward), funcs


def model_role(probe, funcs, nodes, runner):
    """The model among the loop's calls, or None."""
    by_code = {}
    for call in probe.calls:
        by_code.setdefault(call.code, []).append(call)
    best = None
    for code, calls in by_code.items():
        results = [c.result for c in calls]
        if not all(_is_node_list(r, nodes) for r in results):
            continue
        size = len(results[0])
        if size < 2 or any(len(r) != size for r in results):
            continue
        ints = _int_args(calls)
        if not ints:
            continue  # scores of something, but not of a token (softmax of the logits, say)
        positions = [i for i in ints if [c.args[i] for c in calls] == list(range(len(calls)))]
        tokens = [i for i in ints if i not in positions] or ints
        if best is None or len(calls) > len(best[1]):
            best = (code, calls, tokens[0], positions[0] if positions else None, size)
    if best is None:
        return None
    code, calls, token_arg, pos_arg, size = best
    return ModelRole(code, funcs.get(code, code.co_name), _callee_text(runner, code), token_arg,
                     pos_arg, size, calls)


def _is_node_list(x, nodes):
    return isinstance(x, list | tuple) and len(x) > 0 and all(nodes.is_node(v) for v in x)


def _int_args(calls):
    first = calls[0].args
    return [i for i, a in enumerate(first)
            if all(i < len(c.args) and type(c.args[i]) is int for c in calls)]


def _callee_text(runner, code):
    """How the training loop writes the call: the text of the call's function expression."""
    for node in ast.walk(runner.program.train.node):
        if not isinstance(node, ast.Call) or not _is_name_chain(node.func):
            continue
        try:
            target = eval(compile(ast.Expression(node.func), "<callee>", "eval"), runner.ns)
        except Exception:  # a name bound only inside the loop body
            continue
        if _code_of(target) is code:
            return ast.unparse(node.func)
    return code.co_name


def _is_name_chain(node):
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _code_of(target):
    func = getattr(target, "__func__", target)
    code = getattr(func, "__code__", None)
    if code is None:
        call = vars(type(target)).get("__call__") if callable(target) else None
        code = getattr(call, "__code__", None)
    return code


def calls_callee(stmt, callee):
    """Does `stmt` call the model the way the loop writes it (`gpt(...)`, `model(...)`)?"""
    return any(isinstance(n, ast.Call) and ast.unparse(n.func) == callee for n in ast.walk(stmt))
