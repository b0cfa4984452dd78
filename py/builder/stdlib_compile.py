"""Compile standard-library sources to .pyc, inside Pyodide (under Node) at build time.

Bytecode is only valid for the interpreter version that wrote it, so the page's .pyc files must
come from Pyodide's own CPython 3.14 — hence this runs in Pyodide, called by pyodide_stdlib.mjs,
while the host build (CPython 3.11+) only packs the results into a zip.

The .pyc files are "unchecked hash-based" (PEP 552): the header holds a hash of the source rather
than a timestamp, and the importer never re-validates it. The output then depends only on the
source, so two builds give the same bytes, and zipimport never looks for a .py to compare with.
"""

import importlib.util
import json
import marshal
import os
import zipfile

# PEP 552 flags word: bit 0 = hash-based, bit 1 = check_source. Unchecked: only bit 0.
_UNCHECKED_HASH_FLAGS = (0b01).to_bytes(4, "little")


# Docstrings are a sixth of the bytes and nothing the page runs reads them, except Pyodide's own
# packages: `_pyodide.docstring` copies their docstrings onto JavaScript-facing objects. So those
# keep theirs (optimize=0); every other module drops docstrings and asserts (optimize=2).
_KEEP_DOCSTRINGS = ("pyodide/", "_pyodide/")


def optimize_level(name):
    """For a path inside the stdlib zip, e.g. "json/__init__.py"."""
    return 0 if name.startswith(_KEEP_DOCSTRINGS) else 2


def pyc_bytes(source, display_path, optimize=0):
    """The bytes of an unchecked-hash .pyc for `source` (bytes).

    `display_path` becomes the code's co_filename, which tracebacks show. zipimport does not
    rewrite co_filename when it loads a .pyc, so it is set here to the path the stock .py had.
    """
    code = compile(source, display_path, "exec", dont_inherit=True, optimize=optimize)
    header = importlib.util.MAGIC_NUMBER + _UNCHECKED_HASH_FLAGS
    return header + importlib.util.source_hash(source) + marshal.dumps(code)


def run(options_json):
    """Entry point for pyodide_stdlib.mjs. Takes and returns JSON text.

    options: {source_zip, files: ["json/__init__.py", ...], own: {"x.py": "/build/py/..."},
              out_dir, display_prefix}
    Writes out_dir/<file>c for each file of the stock zip (json/__init__.pyc) and each of `own`
    (path in the zip: its source file here); returns the magic number in hex.
    """
    opts = json.loads(options_json)
    sources = []
    with zipfile.ZipFile(opts["source_zip"]) as stock:
        sources += [(name, stock.read(name)) for name in opts["files"]]
    for name, path in sorted(opts.get("own", {}).items()):
        with open(path, "rb") as f:
            sources.append((name, f.read()))
    for name, source in sources:
        data = pyc_bytes(source, opts["display_prefix"] + name, optimize_level(name))
        target = os.path.join(opts["out_dir"], name + "c")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
    return json.dumps({"magic": importlib.util.MAGIC_NUMBER.hex(), "count": len(sources)})
