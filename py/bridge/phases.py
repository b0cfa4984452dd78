"""The lines the page highlights, named by role: which statements are the data set, the tokenizer,
the parameters... in this script, whatever it calls them.

`line_ranges(runner, roles)` -> {name: [first_line, last_line]}, only for parts the script has:

  setup, imports, dataset, tokenizer, hyper, params, adam     groups of setup statements
  model, model.<helper>                                       the model function, and each
                                                              function it calls by name
  autograd, autograd.<method>                                 the autograd class and its methods
  train, train.tokens, train.forward, train.backward,         the training loop and its parts
  train.update, train.schedule
  inference, sample, sample.position                          after training
  <name>, <Class>.<method>                                    every top-level function and class

A setup statement joins a group by the names it binds, fills in or reads: the documents list
and what it is made from (dataset); what the tokenizing lines read (tokenizer); what holds the
parameters (params); what the update part reads (adam); plain constants and argument parsing
(hyper). The names come from the roles, so the groups follow an edited or renamed script.
"""

import ast

from . import codes, program

LITERALS = (ast.Constant, ast.UnaryOp, ast.Tuple, ast.BinOp)


def line_ranges(runner, roles):
    prog = runner.program
    ranges = {}
    _add(ranges, "setup", prog.setup)
    for stmt in prog.tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.ClassDef):
            _add(ranges, stmt.name, [stmt])
            if isinstance(stmt, ast.ClassDef):
                for item in stmt.body:
                    if isinstance(item, ast.FunctionDef):
                        _add(ranges, f"{stmt.name}.{item.name}", [item])
    for name, stmts in _setup_groups(prog, roles).items():
        _add(ranges, name, stmts)
    _roles_code(ranges, prog, roles)
    if prog.train is not None:
        t = prog.train
        _add(ranges, "train", [t.node])
        if roles.tokenizer is not None:
            ranges["train.tokens"] = roles.tokenizer.lines
        _add(ranges, "train.forward", t.before)
        _add(ranges, "train.backward", [t.inner])
        _add(ranges, "train.update", t.after)
        if roles.schedule is not None:
            ranges["train.schedule"] = roles.schedule.lines()
    _add(ranges, "inference", prog.after)
    if roles.sample is not None:
        ranges.update(roles.sample.role.lines())
    return ranges


def _roles_code(ranges, prog, roles):
    tree = prog.tree
    if roles.nodes is not None:
        cls = next((s for s in ast.walk(tree) if isinstance(s, ast.ClassDef)
                    and s.name == roles.nodes.cls.__name__), None)
        if cls is not None:
            _add(ranges, "autograd", [cls])
            for item in cls.body:
                if isinstance(item, ast.FunctionDef):
                    _add(ranges, f"autograd.{item.name}", [item])
    if roles.model is not None:
        node = codes.function_node(tree, roles.model.code)
        if node is not None:
            _add(ranges, "model", [node])
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
                    helper = call.func.id
                    if helper in ranges and f"model.{helper}" not in ranges:
                        ranges[f"model.{helper}"] = ranges[helper]


def _setup_groups(prog, roles):
    """{group: [statements]} for the setup statements that belong to a role."""
    body = prog.setup
    setup = [s for s in body if not isinstance(s, ast.FunctionDef | ast.ClassDef)]
    names = _role_names(prog, roles)
    groups = {}
    placed = set()

    def put(group, stmt):
        if id(stmt) not in placed:
            placed.add(id(stmt))
            groups.setdefault(group, []).append(stmt)

    for stmt in setup:
        if isinstance(stmt, ast.Import | ast.ImportFrom) or _is_seed_call(stmt):
            put("imports", stmt)
    constants = [s for s in setup if _is_constant(s)]
    # Constants are read by many: they are sizes (hyper) when the model or its parameters read
    # them, the optimizer's (adam) when only the update does.
    readers = set()
    for stmt in body:
        if not _is_constant(stmt):
            readers |= program.loaded_names(stmt)
    for stmt in constants:
        stored = program.stored_names(stmt)
        if stored & readers:
            put("hyper", stmt)
        elif stored & names["update"]:
            put("adam", stmt)
    # Each group takes the statements that bind its names, then the names those read.
    for group in ("dataset", "tokenizer", "params", "adam"):
        wanted = set(names[group])
        for stmt in reversed(setup):
            if id(stmt) in placed:
                continue
            bound = program.stored_names(stmt) | program.mutated_names(stmt)
            if bound & wanted or (group == "dataset" and _mentions(stmt, names["files"])):
                put(group, stmt)
                wanted |= program.loaded_names(stmt) - names["shared"]
    for stmt in setup:
        if id(stmt) in placed:
            continue
        if program.loaded_names(stmt) & names["argparse"] or _calls_argparse(stmt):
            put("hyper", stmt)
        elif isinstance(stmt, ast.Expr):
            # A print of what a group made joins that group.
            loaded = program.loaded_names(stmt)
            for group in ("params", "tokenizer", "dataset"):
                if loaded & set(names[group]):
                    put(group, stmt)
                    break
    return {g: sorted(s, key=lambda n: n.lineno) for g, s in groups.items()}


def _role_names(prog, roles):
    """The global names each group is about, as this script spells them."""
    train = prog.train
    ns = roles.runner.ns
    shared = _builtins()
    for stmt in prog.setup:
        if _is_constant(stmt) or _calls_argparse(stmt):
            shared |= program.stored_names(stmt)
    tokens = set()
    if roles.tokenizer is not None:
        for stmt in roles.tokenizer.stmts:
            tokens |= program.loaded_names(stmt)
        tokens.discard(roles.doc_var)
    if roles.vocab is not None:
        if roles.vocab.decoder:
            tokens.add(roles.vocab.decoder)
        # The vocabulary's size, where the script keeps it in a name of its own.
        for stmt in prog.setup:
            for name in program.stored_names(stmt):
                value = ns.get(name)
                if type(value) is int and value == roles.vocab.size and name not in shared:
                    tokens.add(name)
    params = set()
    if roles.params is not None:
        params |= program.loaded_names(roles.params.loop.iter)
        for m in roles.params.matrices:
            for path in [m.name] + m.aliases:
                params.add(path.split(".")[0].split("[")[0])
        params |= _holders(prog, roles)
    update = set()
    if train is not None:
        for stmt in train.after:
            update |= program.loaded_names(stmt)
    argparse_names = {n for s in prog.setup if _calls_argparse(s) for n in program.stored_names(s)}
    return {
        "dataset": {roles.documents} if roles.documents else set(),
        "tokenizer": tokens - shared,
        "params": params - shared - tokens,
        "adam": update - shared - params - tokens,
        "update": update,
        "files": {roles.data_file} if roles.data_file else set(),
        "argparse": argparse_names,
        "shared": shared,
    }


def _holders(prog, roles):
    """Names of the setup that hold objects holding the parameters (a model object, say)."""
    ns = roles.runner.ns
    index = roles.params.index
    out = set()
    for stmt in prog.setup:
        for name in program.stored_names(stmt):
            value = ns.get(name)
            if _holds_params(value, index, roles.nodes, 3):
                out.add(name)
    return out


def _holds_params(value, index, nodes, depth):
    if depth < 0:
        return False
    if nodes.is_node(value):
        return id(value) in index
    if isinstance(value, dict):
        return any(_holds_params(v, index, nodes, depth - 1) for v in list(value.values())[:64])
    if isinstance(value, list | tuple):
        return any(_holds_params(v, index, nodes, depth - 1) for v in value[:64])
    if hasattr(value, "__dict__") and not isinstance(value, type) and not callable(value):
        return any(_holds_params(v, index, nodes, depth - 1) for v in vars(value).values())
    return False


def _is_constant(stmt):
    if not isinstance(stmt, ast.Assign | ast.AnnAssign):
        return False
    value = stmt.value
    if value is None:
        return False
    try:
        ast.literal_eval(value)
        return True
    except ValueError:
        pass
    # head_dim = n_embd // n_head: arithmetic on names and numbers only.
    return all(isinstance(n, ast.Name | ast.Constant | ast.BinOp | ast.UnaryOp | ast.operator
                          | ast.unaryop | ast.Load) for n in ast.walk(value))


def _calls_argparse(stmt):
    return any(isinstance(n, ast.Attribute) and n.attr in ("ArgumentParser", "parse_args",
                                                           "add_argument", "parse_known_args")
               for n in ast.walk(stmt))


def _is_seed_call(stmt):
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "seed")


def _mentions(stmt, files):
    """Does the statement name the data file (`if not os.path.exists('input.txt'): ...`)?"""
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str)
               and (n.value in files or any(f.endswith("/" + n.value) for f in files))
               for n in ast.walk(stmt))


def _builtins():
    import builtins

    return set(dir(builtins))


def _add(ranges, name, nodes):
    found = program.span(nodes)
    if found:
        ranges[name] = found
