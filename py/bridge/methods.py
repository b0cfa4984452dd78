"""The one list of the bridge's methods: name -> handler, whether it changes the model, whether
it streams.

Session's handlers register themselves with `@method(...)` (bridge/api.py); the few methods the
worker runs in JavaScript around the session (a training run, the heap's size) are declared here
with `worker_method`, so that this table is every method the page can call. From it come:
  - Session.handle's dispatch (an unknown method or argument is refused by name),
  - the method table of CONTRACT.md (bridge/contract.py writes it; a unit test finds it stale),
  - the worker's list of streaming and model-changing methods (js/worker/session.js reads
    `table()` when the session starts; js/worker/worker.js implements the worker's methods).
A handler's arguments are its signature's keyword parameters and what it returns is the first
paragraph of its docstring: the table documents each method from its own code.
"""

import inspect
import json
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import ScriptShapeError

# Where a method runs: the bridge's Session, or the worker's own JavaScript around it.
PYTHON, WORKER = "python", "worker"

# The events the bridge emits through Session's `emit(kind, payload)`; the worker forwards them
# to the page under the same name (js/protocol.js EVENT spells each of them once for JavaScript).
STDOUT = "stdout"


@dataclass(frozen=True)
class Method:
    name: str
    runs_in: str  # PYTHON or WORKER
    changes_model: bool  # the worker announces each success with a 'model-changed' event
    streams: bool  # answers with events while it runs (a training run: one 'step' per step)
    args: tuple  # (name, default or Method.REQUIRED), in the handler's order
    returns: str  # what the result is, one paragraph
    handler: object = None  # Session's function (PYTHON methods only)

    REQUIRED = inspect.Parameter.empty

    def arg_names(self):
        return [name for name, _ in self.args]

    def args_text(self):
        """`{source, dataset=null}`: the arguments as the page writes them (JSON defaults)."""
        parts = [name if default is Method.REQUIRED else f"{name}={_json(default)}"
                 for name, default in self.args]
        return "{" + ", ".join(parts) + "}"

    def bind(self, args):
        """The keyword arguments for the handler: `args` checked against its parameters."""
        if args is None:
            return {}
        if not isinstance(args, Mapping):
            raise ScriptShapeError(f"the arguments of `{self.name}` must be an object of named "
                                   f"values, not {type(args).__name__}", "bridge")
        names = self.arg_names()
        for key in args:
            if key not in names:
                takes = ", ".join(names) if names else "no arguments"
                raise ScriptShapeError(f"`{self.name}` has no argument {key!r} (it takes {takes})",
                                       "bridge")
        for name, default in self.args:
            if default is Method.REQUIRED and name not in args:
                raise ScriptShapeError(f"`{self.name}` needs the argument {name!r}", "bridge")
        return dict(args)

    def row(self):
        """This method's line in the table the worker reads (plain data, no handler)."""
        return {"by_worker": self.runs_in == WORKER, "changes_model": self.changes_model,
                "streams": self.streams}


METHODS = {}  # name -> Method, in the order they were declared


def method(changes_model=False):
    """Register a Session handler `do_<name>` as the bridge method `<name>`."""

    def register(fn):
        name = fn.__name__.removeprefix("do_")
        params = list(inspect.signature(fn).parameters.values())[1:]  # after `self`
        args = tuple((p.name, p.default) for p in params)
        _add(Method(name, PYTHON, changes_model, False, args, _first_paragraph(fn), fn))
        return fn

    return register


def worker_method(name, args, returns, changes_model=False, streams=False):
    """Declare a method the worker runs in JavaScript (js/worker/worker.js); `args` as
    ((name, default), ...)."""
    _add(Method(name, WORKER, changes_model, streams, tuple(args), returns))


def table():
    """{name: {by_worker, changes_model, streams}}: what the worker needs to know of each method."""
    return {name: m.row() for name, m in METHODS.items()}


def _add(entry):
    if entry.name in METHODS:
        raise ValueError(f"bridge method {entry.name!r} declared twice")
    METHODS[entry.name] = entry


def _first_paragraph(fn):
    doc = inspect.getdoc(fn)
    if not doc:
        raise ValueError(f"{fn.__qualname__} needs a docstring: it is the contract's description")
    return " ".join(doc.split("\n\n")[0].split()).removesuffix(".")


def _json(value):
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


worker_method(
    "train", (("steps", 1), ("delay_ms", 0), ("with_params", False), ("watch", ())),
    "`{steps}` done; streams a `step` event per step: the step record (as `step` returns it) "
    "with `checkpoint`, the state after it (`checkpoint_export`'s blob). Runs `step` one at a "
    "time, answering other calls between steps; `cancel` stops it after the running step, "
    "`tune {delay_ms}` changes the pause between steps (at most 2000 ms)",
    streams=True)
worker_method(
    "heap", (),
    "`{wasm_bytes, limit_bytes, allocated_blocks, objects}`: the wasm heap's size and its "
    "limit, and what the interpreter holds now (for bench/soak.py)")
