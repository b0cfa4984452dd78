"""Run the training loop's own forward work for one document, then put everything back.

Every explorer that needs the model's forward pass (the roles' probe, the gpt() step-through,
attention, the tokenizer) runs the script's own loop body rather than calling its functions in
a way the guide would have to know: the loop knows how to call its model (the KV cache, the
arguments, a class instance, `pos_id % block_size`...). The loop body is run for the first item
of the loop's iterable, with the document variable set to the document asked for:

    pre  = the statements before the one that picks the document (`doc = docs[...]`)
    doc  = the document asked for (or the one the script picks, when none is given)
    post = the rest of the body up to and including the backward statement

The backward call is replaced, for the run, by one that only records what it was called on:
the model's grads are never touched. What the body binds in the namespace is put back afterwards,
and so is the random state. An observer may end the run early by raising `Enough`.
"""

import ast
import contextlib
import random

from . import program
from .errors import ScriptShapeError

_MISSING = object()


class Enough(BaseException):  # noqa: N818 - a signal, not an error
    """Raised by an observer that has seen what it needed: the run stops there, cleanly."""


class Forward:
    """The compiled pieces of the training loop body, for one loaded program."""

    def __init__(self, runner, doc_index=None, doc_var=None):
        train = runner.program.train
        if train is None:
            raise ScriptShapeError(
                "no training loop (a `for` whose body calls `.backward()`)", "bridge")
        self.runner = runner
        self.doc_var = doc_var
        before = list(train.before)
        if doc_index is None:
            pre, post = [], before
        else:
            pre, post = before[:doc_index], before[doc_index + 1:]
        self.bind = runner.compile_bind(train.node.target)
        self.iterable = runner.compile_expr(train.node.iter)
        self.pre = runner.compile_loop_body(pre)
        self.doc_stmt = runner.compile_loop_body([before[doc_index]]) if doc_index is not None \
            else None
        self.post = runner.compile_loop_body(post + [train.inner])
        self.pieces = {c for c in (self.pre, self.doc_stmt, self.post) if c is not None}
        self.body_names = set()
        for stmt in train.node.body:
            self.body_names |= program.stored_names(stmt)
        self.body_names |= program.stored_names(
            ast.Assign(targets=[train.node.target], value=ast.Constant(0)))

    def first_item(self):
        items = iter(eval(self.iterable, self.runner.ns))
        item = next(items, _MISSING)
        if item is _MISSING:
            raise ScriptShapeError("the training loop's iterable is empty", "bridge")
        return item

    def run(self, doc=None, watch=None, nodes=None, keep=()):
        """Run the forward work for `doc` (None: the script's own first document) under `watch`.

        Returns (names, receivers): the values of `keep` and of every name the loop body bound,
        as the run left them, and the objects backward() was called on."""
        runner, ns = self.runner, self.runner.ns
        saved = dict(ns)
        rng = random.getstate()
        receivers = []
        names = {}
        try:
            with runner.running("run", quiet=True), _recording_backward(nodes, receivers):
                runner.bind(self.bind, self.first_item())
                with watch if watch is not None else contextlib.nullcontext():
                    try:
                        if runner.exec_code(self.pre) != "done":
                            raise ScriptShapeError(
                                "the training loop's first step skips its own body", "bridge")
                        if doc is None:
                            runner.exec_code(self.doc_stmt)
                        else:
                            if not self.doc_var:
                                raise ScriptShapeError(
                                    "the training loop keeps no variable for its document",
                                    "bridge")
                            ns[self.doc_var] = doc
                        runner.exec_code(self.post)
                    except Enough:
                        pass
                for name in self.body_names | set(keep):
                    if name in ns:
                        names[name] = ns[name]
        finally:
            _restore_names(ns, saved)
            random.setstate(rng)
        return names, receivers


@contextlib.contextmanager
def _recording_backward(nodes, receivers):
    """While active, `<node>.backward()` records its receiver and does nothing else."""
    if nodes is None:
        yield
        return
    cls, name = nodes.cls, nodes.backward
    own = cls.__dict__.get(name, _MISSING)

    def backward(self, *args, **kwargs):
        receivers.append(self)

    setattr(cls, name, backward)
    try:
        yield
    finally:
        if own is _MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, own)


@contextlib.contextmanager
def recording_receivers(nodes, receivers):
    """While active, `<node>.backward()` records its receiver and then runs as the script wrote it."""
    if nodes is None:
        yield
        return
    cls, name = nodes.cls, nodes.backward
    own = cls.__dict__.get(name, _MISSING)
    method = getattr(cls, name)

    def backward(self, *args, **kwargs):
        receivers.append(self)
        return method(self, *args, **kwargs)

    setattr(cls, name, backward)
    try:
        yield
    finally:
        if own is _MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, own)


def _restore_names(ns, saved):
    for name in [k for k in ns if k not in saved]:
        del ns[name]
    for name, value in saved.items():
        if ns.get(name, _MISSING) is not value:
            ns[name] = value
