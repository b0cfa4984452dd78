"""Read the script's structure from its AST; nothing here depends on exact text or line numbers.

The phases are found by shape, not by position:
  setup     - top-level statements before the training loop
  training  - the first top-level `for` whose body calls `.backward()`; its body splits into
              forward (before the statement calling `.backward()`), backward (that statement)
              and update (the rest)
  inference - top-level statements after the training loop; the sampling loop is the first
              top-level `for` among them, and inside it the position loop is its first `for`.

`line_ranges()` names the parts the page highlights, as {name: [first_line, last_line]}:
  setup, imports, dataset, tokenizer, Value, Value.<method>, hyper, state_dict, params,
  <each top-level function, e.g. linear, softmax, rmsnorm, gpt>, adam, train, train.tokens,
  train.forward, train.backward, train.update, inference, sample, sample.position
Only the parts that exist are listed.
"""

import ast
from dataclasses import dataclass, field

# Which names make a top-level setup statement part of which highlighted section.
# Checked in order against the names a statement assigns (or fills in, like state_dict[k] = ...).
SECTION_STORES = [
    ("dataset", {"docs"}),
    ("tokenizer", {"uchars", "BOS", "vocab_size"}),
    ("hyper", {"n_layer", "n_embd", "block_size", "n_head", "head_dim"}),
    ("state_dict", {"matrix", "state_dict"}),
    ("params", {"params"}),
    ("adam", {"learning_rate", "beta1", "beta2", "eps_adam", "m", "v"}),
]
# Statements that only read (print(...), random.shuffle(docs)) join the section of what they read.
SECTION_LOADS = [
    ("params", {"params"}),
    ("tokenizer", {"vocab_size", "uchars", "BOS"}),
    ("dataset", {"docs"}),
]
TOKEN_NAMES = {"doc", "tokens", "n"}


@dataclass
class LoopParts:
    """A `for` loop cut into what the bridge runs separately."""

    node: ast.For
    before: list = field(default_factory=list)  # body statements before the inner part
    inner: object = None  # the backward statement, or the position loop
    after: list = field(default_factory=list)


@dataclass
class ScriptShape:
    tree: ast.Module
    setup: list
    train: LoopParts | None
    inference: list
    sample: LoopParts | None
    sample_before: list  # inference statements before the sampling loop (e.g. temperature = 0.5)

    def line_ranges(self):
        return line_ranges(self)

    def inference_constant(self, name):
        """A literal assigned to `name` in the inference statements, without running them."""
        for stmt in self.inference:
            if isinstance(stmt, ast.Assign) and name in _stored_names(stmt):
                try:
                    return ast.literal_eval(stmt.value)
                except ValueError:
                    return None
        return None


def parse(source, filename):
    """Parse and cut the script; SyntaxError propagates with the user's line and column."""
    tree = ast.parse(source, filename)
    body = tree.body
    train_index = next(
        (i for i, s in enumerate(body) if isinstance(s, ast.For) and _calls_backward(s.body)),
        None,
    )
    if train_index is None:
        return ScriptShape(tree, list(body), None, [], None, [])
    loop = body[train_index]
    back = next(i for i, s in enumerate(loop.body) if _calls_backward([s]))
    train = LoopParts(loop, loop.body[:back], loop.body[back], loop.body[back + 1 :])
    inference = body[train_index + 1 :]
    sample, sample_before = None, []
    sample_index = next((i for i, s in enumerate(inference) if isinstance(s, ast.For)), None)
    if sample_index is not None:
        outer = inference[sample_index]
        sample_before = inference[:sample_index]
        pos = next((i for i, s in enumerate(outer.body) if isinstance(s, ast.For)), None)
        if pos is not None:
            sample = LoopParts(outer, outer.body[:pos], outer.body[pos], outer.body[pos + 1 :])
    return ScriptShape(tree, body[:train_index], train, inference, sample, sample_before)


def _calls_backward(stmts):
    for stmt in stmts:
        for node in ast.walk(stmt):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "backward"
            ):
                return True
    return False


def _stored_names(stmt):
    """Names a statement binds or fills in: `x = ...`, `x[k] = ...`, `x.attr = ...`."""
    names = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Subscript | ast.Attribute) and isinstance(node.ctx, ast.Store):
            base = node.value
            while isinstance(base, ast.Subscript | ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name):
                names.add(base.id)
    return names


def _loaded_names(stmt):
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _mentions_input_file(stmt):
    return any(isinstance(n, ast.Constant) and n.value == "input.txt" for n in ast.walk(stmt))


def _is_seed_call(stmt):
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Attribute)
        and stmt.value.func.attr == "seed"
    )


def _section_of(stmt):
    if isinstance(stmt, ast.Import | ast.ImportFrom) or _is_seed_call(stmt):
        return "imports"
    if isinstance(stmt, ast.If) and _mentions_input_file(stmt):
        return "dataset"
    stored = _stored_names(stmt)
    # A `for` that only fills in state_dict stores its loop variable too; ignore that.
    if isinstance(stmt, ast.For):
        stored -= _stored_names(ast.Assign(targets=[stmt.target], value=ast.Constant(0)))
    for section, names in SECTION_STORES:
        if stored & names:
            return section
    if isinstance(stmt, ast.Expr):
        loaded = _loaded_names(stmt)
        for section, names in SECTION_LOADS:
            if loaded & names:
                return section
    return None


def _span(nodes):
    first = min(n.lineno for n in nodes)
    if any(getattr(n, "decorator_list", None) for n in nodes):
        first = min([first] + [d.lineno for n in nodes for d in getattr(n, "decorator_list", [])])
    return [first, max(n.end_lineno for n in nodes)]


def _add(ranges, name, nodes):
    nodes = [n for n in nodes if n is not None]
    if nodes:
        ranges[name] = _span(nodes)


def line_ranges(shape):
    ranges = {}
    _add(ranges, "setup", shape.setup)
    sections = {}
    for stmt in shape.setup:
        if isinstance(stmt, ast.FunctionDef):
            _add(ranges, stmt.name, [stmt])
        elif isinstance(stmt, ast.ClassDef):
            _add(ranges, stmt.name, [stmt])
            for item in stmt.body:
                if isinstance(item, ast.FunctionDef):
                    _add(ranges, f"{stmt.name}.{item.name}", [item])
        else:
            section = _section_of(stmt)
            if section:
                sections.setdefault(section, []).append(stmt)
    for section, stmts in sections.items():
        _add(ranges, section, stmts)
    if shape.train:
        t = shape.train
        _add(ranges, "train", [t.node])
        _add(ranges, "train.tokens", [s for s in t.before if _stored_names(s) & TOKEN_NAMES])
        _add(ranges, "train.forward", t.before)
        _add(ranges, "train.backward", [t.inner])
        _add(ranges, "train.update", t.after)
    _add(ranges, "inference", shape.inference)
    if shape.sample:
        _add(ranges, "sample", [shape.sample.node])
        _add(ranges, "sample.position", [shape.sample.inner])
    return ranges
