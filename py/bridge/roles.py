"""What each part of a loaded script is, found from its AST and from running its own lines.

The guide never relies on a name the script chose. After setup, `discover` finds, in order:

  autograd    the class the loss's .backward() belongs to, and how it stores its graph (nodes.py)
  documents   the list of texts the training loop picks its document from, and the variable
              that holds the document in the loop body
  model       the function the loop calls with a token id for one score per token (probe.py)
  tokenizer   the loop's own statements that turn the document into token ids (tokenizer.py),
              and from them the vocabulary: BOS, EOS, each character's id, the labels
  parameters  what the update loop walks, the moments it keeps, the named matrices (params.py)
  output      the matrix the model's scores are made from (lm_head, or wte when tied)
  losses      per position: the list of loss terms the loop builds, or, when it calls backward()
              once per position, the terms it calls backward() on
  schedule    the statements of the update part that compute the learning rate from the step
  sampling    the loop after training that feeds what it draws back to the model (sampling.py)

Where a role cannot be found, `missing[role]` says in one sentence what was looked for and
where, and the chapters that need it say that sentence instead of failing.
"""

import ast
from dataclasses import dataclass, field

from . import facts, probe, program, sampling, tokenizer
from . import forward as forward_mod
from . import nodes as nodes_mod
from . import params as params_mod
from .errors import ScriptError, ScriptShapeError

LOOKED_FOR = {
    "training": "no training loop: looked for a `for` loop whose body calls `.backward()`",
    "documents": "no documents: looked for a list of texts that the training loop picks its "
                 "document from (`doc = docs[step % len(docs)]`)",
    "model": "no model: looked for a function the training loop calls with a token id that "
             "returns one score per token, once per position",
    "tokenizer": "no tokenizer: looked for the statements after the training loop picks its "
                 "document that turn it into the token ids the model is called with",
    "params": "no parameters: looked for a loop in the update part of the training step "
                  "(after `.backward()`) over the model's parameters",
    "schedule": "no learning-rate schedule: looked for a statement in the update part of the "
                "training step, before its loop over the parameters, that computes from the step a "
                "value the loop reads",
    "sample": "no sampling loop: looked for a `for` loop after training whose inner loop calls "
                "the model and feeds the token it draws back in",
}


@dataclass
class Roles:
    runner: object
    data_file: str | None = None  # where the page put the data set for the script to read
    nodes: object = None
    documents: str | None = None
    doc_var: str | None = None
    doc_index: int | None = None
    forward: object = None
    model: object = None
    tokenizer: object = None
    vocab: object = None
    params: object = None
    output: str | None = None
    losses_var: str | None = None
    per_position_backward: bool = False
    schedule: object = None
    sample: object = None
    missing: dict = field(default_factory=dict)
    probe_names: dict = field(default_factory=dict)  # what the probe's loop body bound
    output_node: object = None  # one score of the probe's first model call
    init_std: list = field(default_factory=list)  # each matrix's spread at load (facts.py)

    def need(self, role):
        """The role's object, or a ScriptShapeError with the sentence of what was looked for."""
        found = getattr(self, role)
        if found is None:
            raise ScriptShapeError(self.why(role), "bridge")
        return found

    def why(self, role):
        return self.missing.get(role) or LOOKED_FOR.get(role) or f"no {role} found"

    def documents_list(self):
        docs = self.runner.ns.get(self.documents) if self.documents else None
        return docs if isinstance(docs, list | tuple) else []

    def describe(self):
        """What the page is told about the roles: their names in this script, and what is missing."""
        model = self.model
        return {
            "autograd": self.nodes.describe() if self.nodes else None,
            "documents": self.documents,
            "doc_var": self.doc_var,
            "model": {"name": model.name, "callee": model.callee} if model else None,
            "tokens_var": self.tokenizer.tokens_var if self.tokenizer else None,
            "output": self.output,
            "losses": self.losses_var,
            "per_position_backward": self.per_position_backward,
            "moments": self.params.moments if self.params else [],
            "schedule": self.schedule.var if self.schedule else None,
            "sampling": {"token_var": self.sample.role.token_var,
                         "temperature": ast.unparse(self.sample.role.temperature)
                         if self.sample.role.temperature is not None else None}
            if self.sample else None,
            "missing": dict(self.missing),
        }


def discover(runner, data_file=None):
    roles = Roles(runner, data_file)
    prog = runner.program
    if prog.train is None:
        roles.missing["training"] = LOOKED_FOR["training"]
        for role in ("documents", "model", "tokenizer", "params", "sample"):
            roles.missing[role] = f"{LOOKED_FOR[role]} (there is no training loop to start from)"
        return roles
    try:
        roles.nodes = nodes_mod.discover(runner.ns, runner.filename)
    except ScriptShapeError as exc:
        roles.missing["autograd"] = exc.message
        return roles
    _documents(roles)
    _model(roles)
    if roles.model is not None:
        _tokenizer(roles)
        _sampling(roles)
    _parameters(roles)
    roles.init_std = facts.measure_init_std(roles)
    roles.schedule = Schedule.find(runner)
    if roles.schedule is None:
        roles.missing["schedule"] = LOOKED_FOR["schedule"]
    _forget_the_probe(roles)
    return roles


def _forget_the_probe(roles):
    """The probe's step is only needed to find the roles: its calls, what its loop body bound
    and the graph they hold (~9 MB for the default script, 56,000 nodes) are let go, so that
    Python's memory (and the page's snapshot of it, preload.py) holds only the script's state."""
    roles.probe_names = {}
    roles.output_node = None
    if roles.model is not None:
        roles.model.calls = []


def _documents(roles):
    runner, ns = roles.runner, roles.runner.ns
    train = runner.program.train
    for i, stmt in enumerate(train.before):
        for name in _names_in_order(stmt):
            if _is_documents(ns.get(name)):
                roles.documents = name
                target = _single_target(stmt)
                if target is not None:
                    roles.doc_var, roles.doc_index = target, i
                return
    for name in _names_in_order(train.node.iter):
        if _is_documents(ns.get(name)):
            roles.documents = name
            return
    roles.missing["documents"] = LOOKED_FOR["documents"]


def _model(roles):
    runner = roles.runner
    try:
        roles.forward = forward_mod.Forward(runner, roles.doc_index, roles.doc_var)
        found, funcs = probe.run(runner, roles.nodes, forward_mod.Forward(runner))
    except ScriptError as exc:
        roles.missing["model"] = (f"{LOOKED_FOR['model']}; running the loop body's forward part "
                                  f"raised {exc.type}: {exc.message}")
        return
    roles.model = probe.model_role(found, funcs, roles.nodes, runner)
    if roles.model is None:
        roles.missing["model"] = LOOKED_FOR["model"]
        return
    roles.probe_names = found.names
    roles.per_position_backward = len(found.receivers) > 1
    n = len(roles.model.calls)
    for name, value in found.names.items():
        if (isinstance(value, list) and len(value) == n and n > 0
                and all(roles.nodes.is_node(v) for v in value)):
            roles.losses_var = name
    first = roles.model.calls[0].result
    roles.output_node = first[0]


def _tokenizer(roles):
    runner, model = roles.runner, roles.model
    tokens = [c.args[model.token_arg] for c in model.calls]
    roles.tokenizer = tokenizer.find(runner, roles.doc_index, roles.doc_var, model.callee,
                                     roles.probe_names, tokens)
    if roles.tokenizer is None:
        roles.missing["tokenizer"] = LOOKED_FOR["tokenizer"]
        return
    try:
        roles.vocab = tokenizer.vocabulary(roles.tokenizer, roles.documents_list(),
                                           model.vocab_size, runner.ns)
    except ScriptError as exc:
        roles.missing["tokenizer"] = (f"the training loop's tokenizing lines fail on an empty "
                                      f"document: {exc.type}: {exc.message}")
        roles.tokenizer = None


def _sampling(roles):
    model = roles.model
    role = sampling.find(roles.runner.program, model.callee, model.token_arg)
    if role is None:
        roles.missing["sample"] = LOOKED_FOR["sample"]
        return
    if roles.vocab is None:
        roles.missing["sample"] = "the sampling loop was found, but not the vocabulary to read " \
                                    "its tokens with"
        return
    roles.sample = sampling.Sampler(roles.runner, role, roles.vocab, roles.nodes)


def _parameters(roles):
    roles.params = params_mod.find(roles.runner, roles.nodes)
    if roles.params is None:
        roles.missing["params"] = LOOKED_FOR["params"]
        return
    node = getattr(roles, "output_node", None)
    if node is not None:
        found = _first_parameter(node, roles)
        roles.output = found.name if found is not None else None


def _first_parameter(node, roles, limit=5000):
    """The matrix of the parameter nearest to `node` in its graph (breadth first)."""
    queue, seen = [node], {id(node)}
    nodes, params = roles.nodes, roles.params
    while queue and len(seen) < limit:
        current = queue.pop(0)
        for child in nodes.children(current):
            if id(child) in seen:
                continue
            seen.add(id(child))
            matrix = params.matrix_of(child)
            if matrix is not None:
                return matrix
            queue.append(child)
    return None


def _names_in_order(node):
    names = []
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in names:
            names.append(n.id)
    return names


def _is_documents(value):
    return (isinstance(value, list | tuple) and len(value) > 0
            and all(isinstance(d, str) for d in value) and any(len(d) > 1 for d in value))


def _single_target(stmt):
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if isinstance(target, ast.Name):
            return target.id
    return None


class Schedule:
    """The update part's statements that compute a per-step value from the loop variable and
    feed the parameter update: the learning-rate schedule, run as the script writes it."""

    def __init__(self, runner, stmts, var):
        self.runner = runner
        self.var = var
        self.stmts = stmts
        self.code = runner.compile_loop_body(stmts)
        train = runner.program.train
        self.bind = runner.compile_bind(train.node.target)
        self.iterable = runner.compile_expr(train.node.iter)

    @classmethod
    def find(cls, runner):
        train = runner.program.train
        if train is None:
            return None
        loop_vars = program.stored_names(ast.Assign(targets=[train.node.target],
                                                    value=ast.Constant(0)))
        update_loop = next((s for s in train.after if isinstance(s, ast.For)), None)
        if update_loop is None:
            return None
        reads = program.loaded_names(update_loop)
        for stmt in train.after:
            if isinstance(stmt, ast.For):
                continue
            stored = program.stored_names(stmt)
            if program.loaded_names(stmt) & loop_vars and stored & reads and len(stored) == 1:
                return cls(runner, [stmt], next(iter(stored)))
        return None

    def values(self, every=1):
        """[(step number, value)] for each step of the loop (every `every`-th, and the last)."""
        ns = self.runner.ns
        items = list(eval(self.iterable, ns))
        picks = sorted(set(range(0, len(items), max(1, int(every)))) | {len(items) - 1})
        out = []
        scratch = dict(ns)
        with self.runner.running("run", quiet=True):
            for k in picks:
                if k < 0:
                    continue
                scratch["__bridge_item__"] = items[k]
                exec(self.bind, scratch)
                exec(self.code, scratch)
                value = scratch.get(self.var)
                if isinstance(value, int | float):
                    out.append([k + 1, float(value)])
        return out

    def lines(self):
        return program.span(self.stmts)
