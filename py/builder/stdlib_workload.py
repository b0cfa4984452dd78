"""A representative session of the page, run inside Pyodide (under Node) at build time.

The page's boot zip holds only the standard modules that are really imported at boot and by a
page session (builder.stdlib; the rest waits in the lazy zip). Reading import statements is not
enough to know which those are: Pyodide's boot,
the bridge and the standard library itself import lazily, inside functions and on error paths.
So this module drives a bridge Session through the RPCs the page makes — including failing ones,
whose tracebacks import their own helpers — then imports the extra names the caller asks for,
and reports which modules were loaded from the standard-library zip.

It runs on Pyodide's CPython 3.14 only; pyodide_stdlib.mjs imports it and calls `run`.
It imports nothing beyond what Pyodide's boot has already loaded (base64, json, os, sys,
traceback, zipimport and built-ins), so that it does not add modules of its own to what it measures.
"""

import _frozen_importlib
import _imp
import json
import os
import sys
import traceback
import zipimport

# Arguments for each RPC, in the order the page makes them. A failing call is kept on purpose:
# the bridge reports errors as data, and formatting them pulls in traceback/linecache machinery.
_RPCS = [
    ("info", {}),
    ("docs", {"start": 0, "count": 5}),
    ("step", {"count": 1, "with_params": True}),
    ("params", {}),
    ("trace", {"name": "emma", "pos": 0, "callees": True}),
    ("attention", {"word": "emma"}),
    ("autograd", {}),
    ("graph_summary", {}),
    ("graph_expand", {"node_id": 0}),
    ("sample", {"temperature": 0.5, "seed": 1}),
    ("checkpoint_export", {}),
    ("eval", {"code": "[d for d in docs[:3]]"}),
    ("eval", {"code": "this_name_is_not_defined + 1"}),
    ("eval", {"code": "1 / 0"}),
]

# A script that fails at parse time and one that fails while running, as a learner's edits would.
_BROKEN_SCRIPTS = ["def broken(:\n    pass\n", "x = 1\nprint(undefined_thing)\n"]


def zip_modules(zip_path):
    """Names of the loaded modules whose code came from the standard-library zip.

    Built-in and frozen modules need no file, so they are left out.
    """
    found = set()
    for name, module in list(sys.modules.items()):
        spec = getattr(module, "__spec__", None)
        if spec is None or not isinstance(spec.loader, zipimport.zipimporter):
            continue
        if getattr(spec.loader, "archive", None) == zip_path:
            found.add(name)
    return sorted(found)


def frozen_modules():
    """Modules whose code is built into the interpreter (os, io, codecs, site...), and names
    bound to such modules (importlib._bootstrap, collections.abc): they need no file."""
    found = set(_imp._frozen_module_names())
    for name, module in list(sys.modules.items()):
        spec = getattr(module, "__spec__", None)
        if spec is not None and spec.loader is _frozen_importlib.FrozenImporter:
            found.add(name)
    return sorted(found)


def _call(session, method, args, record):
    try:
        reply = session.handle(method, args)
    except BaseException as exc:  # the contract says handle never raises: record it if it does
        record.append({"method": method, "ok": False, "raised": repr(exc)})
        return None
    entry = {"method": method, "ok": bool(reply.get("ok"))}
    if not entry["ok"]:
        error = reply.get("error") or {}
        entry["error"] = f"{error.get('type')}: {error.get('message')}"
    record.append(entry)
    return reply


def _run_bridge(py_dir, script, dataset, workdir, record):
    """Drive one Session like the page does. Returns a fatal problem as text, or None."""
    if not os.path.exists(os.path.join(py_dir, "bridge", "api.py")):
        return "missing: py/bridge/api.py does not exist yet"
    try:
        from bridge.api import Session
    except BaseException:
        return "import bridge.api failed:\n" + traceback.format_exc()

    with open(os.path.join(py_dir, script), encoding="utf-8") as f:
        source = f.read()
    with open(os.path.join(py_dir, dataset), encoding="utf-8") as f:
        data = f.read()
    os.makedirs(workdir, exist_ok=True)

    printed = []
    session = Session(emit=lambda kind, payload: printed.append(kind), workdir=workdir)
    reply = _call(session, "load", {"source": source, "dataset": data}, record)
    if reply is None or not reply.get("ok"):
        return f"load of {script} failed: {record[-1]}"
    for method, args in _RPCS:
        _call(session, method, args, record)
    for method in ("step", "sample"):
        if not any(r["method"] == method and r["ok"] for r in record):
            return f"{method} failed: {[r for r in record if r['method'] == method]}"
    exported = session.handle("checkpoint_export", {})
    if exported.get("ok"):
        _call(session, "checkpoint_import", {"blob": exported["result"]["blob"]}, record)

    for broken in _BROKEN_SCRIPTS:
        other = Session(emit=lambda kind, payload: None, workdir=workdir)
        _call(other, "load", {"source": broken, "dataset": data}, record)
    return None


def _import_extras(names):
    """Import each name the caller wants available; report the ones that cannot be imported."""
    failed = {}
    for name in names:
        try:
            __import__(name)
        except BaseException as exc:  # e.g. a module needing sockets or a missing C extension
            failed[name] = f"{type(exc).__name__}: {exc}"
    return failed


def run(options_json):
    """Entry point for pyodide_stdlib.mjs. Takes and returns JSON text.

    options: {zip_path, lazy_zip_path, py_dir, script, dataset, workdir, extra_imports: [...],
              bridge: bool}
    """
    opts = json.loads(options_json)
    record = []
    problem = None
    if opts.get("bridge", True):
        sys.path.insert(0, opts["py_dir"])
        problem = _run_bridge(
            opts["py_dir"], opts["script"], opts["dataset"], opts["workdir"], record
        )
    failed = _import_extras(opts.get("extra_imports", []))
    return json.dumps(
        {
            "python": sys.version.split()[0],
            "modules": zip_modules(opts["zip_path"]),
            # Loaded from the lazy zip (only when the page's finder is installed: check --lazy).
            "lazy_modules": zip_modules(opts["lazy_zip_path"]) if opts.get("lazy_zip_path") else [],
            "frozen": frozen_modules(),
            "rpcs": record,
            "problem": problem,
            "import_failures": failed,
        }
    )
