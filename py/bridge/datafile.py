"""Which file the script reads its data set from, and which files it writes, read from the AST.

The page puts its data set where the script looks for it, under the script's own file name:
`input.txt` for microgpt.py, `data/names.txt` or whatever an edited script opens. A file the
script also writes (saved weights, `open('model.json', 'w')`) is never a data set: the run's
fresh working folder simply does not have it yet, so the script trains.

Paths are read where they are plain text in the source: the first argument of `open`, `Path`,
`os.path.exists`/`isfile`, the target of `urlretrieve`, an argparse `default=`, built from
string constants with `os.path.join` or `/`. A path computed at run time is found another way:
when setup fails with FileNotFoundError for a relative path, the session writes the data set
there and runs setup again (api.py).
"""

import ast
import posixpath

READERS = {"open", "Path", "exists", "isfile", "read_text", "loadtxt", "PurePath"}
DATA_SUFFIXES = (".txt", ".jsonl", ".json", ".csv", ".tsv", ".text", ".dat")


def scan(tree):
    """(paths the script reads, paths it writes), relative, in source order, no repeats."""
    reads, writes, _ = _scan(tree)
    return reads, writes


def _scan(tree):
    """scan()'s reads and writes, and the paths a download writes to (urlretrieve's target)."""
    reads, writes, downloads = [], [], []
    names = _path_names(tree)

    def const_path(node):
        if isinstance(node, ast.Name) and node.id in names:
            return names[node.id]
        return _const_path(node)

    # ast.walk goes breadth first: a shallow read (a config file at the top level) would come
    # before the data set read in a comprehension. Source order is what the reader sees.
    calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset))
    for node in calls:
        name = _func_name(node.func)
        if name == "open" and node.args:
            path = const_path(node.args[0])
            (writes if _writes(node) else reads).append(path)
        elif name in ("write_text", "write_bytes") and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            writes.append(const_path(receiver.args[0]) if isinstance(receiver, ast.Call)
                          and receiver.args else const_path(receiver))
        elif name in ("read_text", "read_bytes") and isinstance(node.func, ast.Attribute):
            reads.append(const_path(node.func.value))  # (Path('data') / 'names.txt').read_text()
        elif name in ("dump", "save", "savetxt") and len(node.args) >= 2:
            writes.append(const_path(node.args[1]))
        elif name == "urlretrieve" and len(node.args) >= 2:
            reads.append(const_path(node.args[1]))
            downloads.append(const_path(node.args[1]))
        elif name in READERS and node.args:
            reads.append(const_path(node.args[0]))
        elif name == "add_argument":
            for kw in node.keywords:
                if kw.arg == "default":
                    path = const_path(kw.value)
                    if path and path.endswith(DATA_SUFFIXES):
                        reads.append(path)
    writes = _clean(writes)
    reads = [p for p in _clean(reads) if p not in writes]
    return reads, writes, [p for p in _clean(downloads) if p in reads]


def data_file(tree, default="input.txt"):
    """The file to put the data set in: where the script downloads its data set to if it does
    (microgpt.py's `urlretrieve(url, 'input.txt')`), else the first path it reads, in source
    order, that looks like data."""
    reads, _, downloads = _scan(tree)
    if downloads:
        return downloads[0]
    for path in reads:
        if path.endswith(DATA_SUFFIXES):
            return path
    return reads[0] if reads else default


def _path_names(tree):
    """Names assigned a constant path anywhere (`data_path = os.path.join('data', 'a.txt')`)."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                path = _const_path(node.value)
                if path and "://" not in path:
                    names[target.id] = path
    return names


def _const_path(node):
    """A path written with string constants: 'a.txt', os.path.join('data', 'a.txt'), Path('d') / 'a'."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and _func_name(node.func) in ("join", "Path", "PurePath"):
        parts = [_const_path(a) for a in node.args]
        if parts and all(parts):
            return posixpath.join(*parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = _const_path(node.left), _const_path(node.right)
        if left and right:
            return posixpath.join(left, right)
    return None


def _writes(call):
    mode = call.args[1] if len(call.args) > 1 else None
    for kw in call.keywords:
        if kw.arg == "mode":
            mode = kw.value
    text = mode.value if isinstance(mode, ast.Constant) and isinstance(mode.value, str) else "r"
    return any(c in text for c in "wax+")


def _func_name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _clean(paths):
    out = []
    for path in paths:
        if not path or "://" in path or path.startswith("/"):
            continue
        path = posixpath.normpath(path)
        if path not in out and not path.startswith(".."):
            out.append(path)
    return out
