"""Draw one sample by running the script's own sampling loop, one position at a time.

The sampling loop is found by what it does, not by its names: among the `for` loops after
training, the first with a loop inside it that calls the model (the way the training loop
calls it) and feeds what it draws back in: the token argument of that call is assigned, inside
the position loop, from something computed from the model's scores. A validation loop calls the
model too, but its token comes from the data, so it is not mistaken for sampling.

One call runs the outer body once: the statements before the position loop, each position
(recording the distribution drawn from, the token drawn and the most likely one), then the
statements after it (the script's own `print`). The statements after training that bind what
the loop reads (`temperature = 0.5`) run once, before the first sample; others (printing a
header, a validation loss) are not part of drawing a sample and do not run.

Temperature: the divisor the script applies to the scores (`l / temperature`, `/ args.temperature`)
is set for the call and put back afterwards, so the script's own code does the scaling.
The distribution is the list, bound in the position loop, that has one probability per token
and sums to 1 (or a shorter one over the ids of another list, as top-k sampling keeps).

Seed: with a seed the global `random` state is saved, seeded, used and restored, so a seeded
sample is repeatable and leaves the script's own stream where it was. Without a seed the sample
draws from the script's stream, as the script would.
"""

import ast
import math
import random
from array import array
from dataclasses import dataclass

from . import program
from .errors import ScriptShapeError

_UNSET = object()


@dataclass
class SampleRole:
    outer: ast.For
    position: ast.For
    before: list
    after: list
    prelude: list
    token_var: str
    temperature: ast.expr | None
    append_target: str | None
    draw: str | None  # "random" (a random draw by the probabilities) or "argmax" (the likeliest)

    def lines(self):
        return {"sample": program.span([self.outer]), "sample.position": program.span([self.position])}


def find(prog, callee, token_arg):
    """The SampleRole of the program, or None: see the module's docstring."""
    for index, stmt in enumerate(prog.after):
        if not isinstance(stmt, ast.For):
            continue
        for k, inner in enumerate(stmt.body):
            if not isinstance(inner, ast.For):
                continue
            token_var, derived, call = _fed_back(inner.body, callee, token_arg)
            if token_var is None:
                continue
            return SampleRole(
                outer=stmt, position=inner, before=stmt.body[:k], after=stmt.body[k + 1:],
                prelude=_prelude(prog.after[:index], stmt),
                token_var=token_var,
                temperature=_temperature(inner.body, derived),
                append_target=_appended(inner.body, stmt.body[:k]),
                draw=_draw_kind(inner.body, token_var),
            )
    return None


def _fed_back(body, callee, token_arg):
    """(token variable, names derived from the scores, the call) if the loop feeds back a draw."""
    call_stmt, call = None, None
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == callee:
                call_stmt, call = stmt, node
                break
        if call is not None:
            break
    if call is None or token_arg is None or token_arg >= len(call.args):
        return None, None, None
    arg = call.args[token_arg]
    if not isinstance(arg, ast.Name):
        return None, None, None
    derived = program.stored_names(call_stmt)
    for stmt in body[body.index(call_stmt) + 1:]:
        if program.loaded_names(stmt) & derived:
            derived |= program.stored_names(stmt)
    return (arg.id, derived, call) if arg.id in derived else (None, None, None)


def _draw_kind(body, token_var):
    """How the statement that picks the token picks it, read from its calls."""
    for stmt in body:
        if token_var not in program.stored_names(stmt) or not isinstance(stmt, ast.Assign):
            continue
        names = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)}
        called = {getattr(c.func, "attr", None) or getattr(c.func, "id", None)
                  for c in ast.walk(stmt.value) if isinstance(c, ast.Call)}
        if "random" in names or called & {"choices", "choice", "sample", "multinomial"}:
            return "random"
        if called & {"max", "argmax", "index"}:
            return "argmax"
    return None


def _prelude(stmts, loop):
    needed = program.loaded_names(loop)
    keep = []
    for stmt in reversed(stmts):
        if program.stored_names(stmt) & needed and not isinstance(stmt, ast.For | ast.While):
            keep.insert(0, stmt)
            needed |= program.loaded_names(stmt)
    return keep


def _temperature(body, derived):
    for stmt in body:
        if not program.loaded_names(stmt) & derived:
            continue
        for node in ast.walk(stmt):
            if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)
                    and isinstance(node.right, ast.Name | ast.Attribute)
                    and not program.loaded_names(node.right) & derived):
                return node.right
    return None


def _appended(body, before):
    made = set()
    for stmt in before:
        made |= program.stored_names(stmt)
    for stmt in body:
        for node in ast.walk(stmt):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "append" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in made):
                return node.func.value.id
    return None


class Sampler:
    def __init__(self, runner, role, vocab, nodes):
        self.runner = runner
        self.role = role
        self.vocab = vocab
        self.nodes = nodes
        self._prelude = runner.compile_block(role.prelude)
        self._prelude_done = False
        self._outer_bind = runner.compile_bind(role.outer.target)
        self._outer_iterable = runner.compile_expr(role.outer.iter)
        self._outer_items = None
        self._before = runner.compile_loop_body(role.before)
        self._pos_bind = runner.compile_bind(role.position.target)
        self._pos_iterable = runner.compile_expr(role.position.iter)
        self._pos_body = runner.compile_loop_body(role.position.body)
        self._after = runner.compile_loop_body(role.after)
        temp = role.temperature
        self._temp_get = runner.compile_expr(temp) if temp is not None else None
        self._temp_set = _setter(runner, temp) if temp is not None else None
        self._position_names = []
        for stmt in role.position.body:
            self._position_names += [n for n in _assigned(stmt) if n not in self._position_names]
        self.count = 0

    def temperature(self):
        """The script's sampling temperature (its prelude run on a copy if not run yet)."""
        if self._temp_get is None:
            return None
        scratch = dict(self.runner.ns) if not self._prelude_done else self.runner.ns
        try:
            if not self._prelude_done and self._prelude is not None:
                with self.runner.running("sample", quiet=True):
                    exec(self._prelude, scratch)
            value = eval(self._temp_get, scratch)
        except Exception:
            return None
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None

    def sample(self, temperature=None, seed=None):
        ns = self.runner.ns
        run = self.runner.exec_code
        saved_random = random.getstate() if seed is not None else None
        saved_temperature = _UNSET
        steps = []
        printed = []
        emit = self.runner.emit

        def tee(kind, payload):  # what the script prints for this sample, also in the answer
            if kind == "stdout":
                printed.append(payload["text"])
            emit(kind, payload)

        self.runner.emit = tee
        try:
            with self.runner.running("sample"):
                if not self._prelude_done:
                    run(self._prelude)
                    self._prelude_done = True
                if temperature is not None:
                    if self._temp_set is None:
                        raise ScriptShapeError(
                            "the sampling loop divides its scores by no temperature", "bridge")
                    saved_temperature = eval(self._temp_get, ns)
                    self._temp_set(float(temperature))
                if seed is not None:
                    random.seed(seed)
                if self._outer_items is None:
                    self._outer_items = list(eval(self._outer_iterable, ns))
                if self._outer_items:
                    # The outer loop variable counts the samples drawn, as in the script.
                    item = self._outer_items[self.count % len(self._outer_items)]
                    self.runner.bind(self._outer_bind, item)
                run(self._before)
                for position in eval(self._pos_iterable, ns):
                    self.runner.bind(self._pos_bind, position)
                    flow = run(self._pos_body)
                    steps.append(self._position_record(ns))
                    if flow == "break":
                        break
                run(self._after)
        finally:
            self.runner.emit = emit
            if saved_random is not None:
                random.setstate(saved_random)
            if saved_temperature is not _UNSET:
                self._temp_set(saved_temperature)
        self.count += 1
        return {"text": self._text(ns, steps), "steps": steps, "printed": "".join(printed),
                "draw": self.role.draw}

    def _position_record(self, ns):
        size = self.vocab.size
        token = ns.get(self.role.token_var)
        token = token if type(token) is int else None
        values = self._distribution(ns, size)
        argmax = max(range(len(values)), key=values.__getitem__) if values else None
        return {"probs": values, "token": token, "argmax": argmax}

    def _distribution(self, ns, size):
        """The probabilities drawn from: a list of `size` numbers summing to 1, or a shorter
        one spread over the ids held in a list of the same length (top-k)."""
        lists = [(n, _floats(ns.get(n), self.nodes)) for n in self._position_names]
        lists = [(n, f) for n, f in lists if f is not None]
        for _, values in reversed(lists):
            if len(values) == size and _sums_to_one(values):
                return array("d", values)
        for name, values in reversed(lists):
            if _sums_to_one(values):
                ids = next((ns[k] for k in self._position_names + list(ns)
                            if k != name and _ids(ns.get(k), len(values), size)), None)
                if ids is not None:
                    full = array("d", bytes(8 * size))
                    for i, p in zip(ids, values, strict=True):
                        full[i] = p
                    return full
        return array("d")

    def _text(self, ns, steps):
        """The script's own list of drawn characters, joined; else the drawn tokens' labels."""
        target = self.role.append_target
        drawn = ns.get(target) if target else None
        if isinstance(drawn, list) and all(isinstance(ch, str) for ch in drawn):
            return "".join(drawn)
        v = self.vocab
        special = {v.bos, v.eos}
        return "".join(v.labels[s["token"]] for s in steps
                       if s["token"] is not None and s["token"] not in special
                       and 0 <= s["token"] < v.size)


def _assigned(stmt):
    return [t.id for n in ast.walk(stmt) if isinstance(n, ast.Assign)
            for t in n.targets if isinstance(t, ast.Name)]


def _setter(runner, target):
    """A function that assigns to the script's temperature expression (a name or attribute)."""
    store = ast.parse("_ = 0").body[0]
    store.targets = [_as_store(target)]
    store.value = ast.Name("__bridge_value__", ast.Load())
    ast.copy_location(store, target)
    ast.fix_missing_locations(store)
    code = compile(ast.Module(body=[store], type_ignores=[]), runner.filename, "exec")

    def assign(value):
        ns = runner.ns
        ns["__bridge_value__"] = value
        try:
            exec(code, ns)
        finally:
            ns.pop("__bridge_value__", None)

    return assign


def _as_store(node):
    copy = ast.parse(ast.unparse(node), mode="eval").body
    copy.ctx = ast.Store()
    return copy


def _floats(x, nodes):
    if not isinstance(x, list | tuple) or not x:
        return None
    out = []
    for v in x:
        v = nodes.value(v) if nodes.is_node(v) else v
        if isinstance(v, bool) or not isinstance(v, int | float):
            return None
        out.append(float(v))
    return out


def _sums_to_one(values):
    return all(v >= 0 for v in values) and math.isclose(sum(values), 1.0, rel_tol=1e-6)


def _ids(x, length, size):
    return (isinstance(x, list | tuple) and len(x) == length
            and all(type(i) is int and 0 <= i < size for i in x) and len(set(x)) == length)
