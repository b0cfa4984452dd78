"""The page's standard library (builder.stdlib): Pyodide's whole stdlib as bytecode in a boot zip
and a lazy zip, nothing the page imports at boot is in the lazy one, every module a plain script
commonly imports works in the page's Python, and the same inputs give the same bytes."""

import ast
import json
import shutil
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from builder import stdlib

PY = Path(stdlib.REPO) / "py"

pytestmark = [
    pytest.mark.skipif(sys.platform == "emscripten", reason="builds with Node in a subprocess"),
    pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed"),
    pytest.mark.skipif(
        not (stdlib.pyodide_dir() / "python_stdlib.zip").exists(),
        reason="node_modules/pyodide is missing (run `npm ci`)",
    ),
]

# The issue "Any microgpt": the standard modules a plain script may import, at least.
ISSUE_MODULES = [
    "argparse", "collections", "dataclasses", "functools", "itertools", "json", "re", "statistics",
    "string", "time", "typing", "heapq", "bisect", "fractions", "decimal", "copy", "pickle",
    "textwrap", "unicodedata", "math", "random", "os", "sys", "pathlib", "csv", "enum",
]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Two builds in separate caches. The second reuses only the first's module trace, so its
    .pyc files are compiled afresh by another Pyodide process."""
    first_cache = tmp_path_factory.mktemp("cache1")
    first = stdlib.stdlib_zips(first_cache)
    second_cache = tmp_path_factory.mktemp("cache2")
    for trace in first_cache.glob("stdlib-trace-*.json"):
        shutil.copy(trace, second_cache)
    second = stdlib.stdlib_zips(second_cache)
    return first, second


@pytest.fixture(scope="module")
def zips(builds):
    return builds[0]


@pytest.fixture(scope="module")
def archives(zips):
    return zipfile.ZipFile(BytesIO(zips.boot)), zipfile.ZipFile(BytesIO(zips.lazy))


@pytest.fixture(scope="module")
def manifest(zips):
    return stdlib.manifest_from_zip(zips.boot)


@pytest.fixture(scope="module")
def on_disk(zips, tmp_path_factory):
    """The boot zip and the lazy zip as the page hands it to Python (gzip), for the Node helper."""
    boot = tmp_path_factory.mktemp("zips") / "stdlib.zip"
    return boot, stdlib.write_zips(zips, boot)


def check(on_disk, tmp_path, extra_imports, bridge=False):
    """Boot Pyodide under Node with the page's zips and its lazy finder, as the worker does, then
    (optionally) drive a bridge session and import `extra_imports`; the workload's report."""
    out = tmp_path / "check.json"
    options = json.dumps({"extra_imports": list(extra_imports), "bridge": bridge})
    stdlib.run_node_helper(stdlib.REPO, "check", "--py", str(PY), "--out", str(out), "--stdlib", str(on_disk[0]),
                           "--lazy", str(on_disk[1]), "--options", options)
    return json.loads(out.read_text())["report"]


def test_same_inputs_same_bytes(builds):
    assert builds[0] == builds[1]


def test_only_bytecode_and_the_manifest(archives):
    boot, lazy = archives
    names = boot.namelist()
    assert names == [stdlib.MANIFEST_NAME, *sorted(n for n in names if n.endswith(".pyc"))]
    assert lazy.namelist() == sorted(lazy.namelist()) and all(n.endswith(".pyc") for n in lazy.namelist())
    for archive in archives:
        assert {info.date_time for info in archive.infolist()} == {stdlib.ZIP_DATE}


def test_pyc_are_unchecked_hash_based_from_one_interpreter(archives):
    headers = {n: a.read(n)[:8] for a in archives for n in a.namelist() if n.endswith(".pyc")}
    assert len({h[:4] for h in headers.values()}) == 1, "one magic number: one CPython"
    # PEP 552 flags: 0b01 = hash-based, source never checked.
    assert {int.from_bytes(h[4:8], "little") for h in headers.values()} == {0b01}


def test_the_whole_stock_stdlib_is_shipped_once(archives, manifest):
    """Every module of Pyodide's stdlib zip is in the boot zip, the lazy zip or frozen into the
    interpreter, in exactly one of them; the zips hold those and the lazy finder."""
    boot, lazy = archives
    sources = stdlib.stock_sources(stdlib.pyodide_dir() / "python_stdlib.zip")
    parts = [set(manifest[k]) for k in ("boot", "lazy", "frozen")]
    assert set.union(*parts) == set(sources)
    assert sum(map(len, parts)) == len(sources), "each stock module in exactly one list"
    assert {n for n in boot.namelist() if n.endswith(".pyc")} == (
        {sources[m] + "c" for m in manifest["boot"]} | {stdlib.LAZY_FINDER_FILE + "c"})
    assert set(lazy.namelist()) == {sources[m] + "c" for m in manifest["lazy"]}
    assert {"os", "io", "codecs"} <= parts[2], "frozen into Pyodide's interpreter"
    assert {"email", "xml.dom.minidom", "sqlite3", "unittest", "asyncio.windows_events"} <= parts[1]
    for package in stdlib.WHOLE_PACKAGES:
        assert not [m for m in manifest["lazy"] if m.split(".")[0] == package]


def test_plain_script_modules_are_in_the_boot_zip(manifest):
    boot_or_frozen = set(manifest["boot"]) | set(manifest["frozen"])
    stock = boot_or_frozen | set(manifest["lazy"])
    assert set(ISSUE_MODULES) <= set(stdlib.PLAIN_SCRIPT_MODULES)
    # Built-in modules (math, sys, time...) are in no list: they need no file.
    assert [m for m in stdlib.PLAIN_SCRIPT_MODULES if m in stock and m not in boot_or_frozen] == []


def _imports(path):
    """(module name, imported at module level unconditionally) for each absolute import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, id(node) in top_level
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, id(node) in top_level
            for alias in node.names:  # `from importlib import metadata` names a submodule
                yield f"{node.module}.{alias.name}", id(node) in top_level


# Imports that the page's CPython 3.14 never executes; they would come from the lazy zip.
NOT_REACHED_ON_314 = {
    "ctypes": "bridge/observe.py writes frame locals through ctypes only before 3.13 (PEP 667)",
}


def test_every_stdlib_module_the_bridge_and_script_import_is_in_the_boot_zip(manifest):
    """What the page imports at boot is never left to the lazy zip (that would decode it at every boot)."""
    boot = set(manifest["boot"]) | set(manifest["frozen"])
    stock = boot | set(manifest["lazy"])  # built-in modules (math, sys...) are in none
    missing = []
    for path in [*sorted((PY / "bridge").rglob("*.py")), PY / "microgpt.py"]:
        for name, unconditional in _imports(path):
            top = name.split(".")[0]
            if top in NOT_REACHED_ON_314 or name in NOT_IN_THE_PAGE:
                continue
            if top in stock and top not in boot:
                missing.append(f"{path.name}: {name}")
            # A module-level import runs on every load: the module itself must be there too
            # (a `from x import name` where x.name is not a module is in neither set).
            if unconditional and name in stock and name not in boot:
                missing.append(f"{path.name}: {name}")
    assert missing == []


def test_pyodide_boots_and_runs_the_workload_without_the_lazy_zip(on_disk, tmp_path):
    """The real proof: Pyodide under Node, given the boot zip instead of the stock one and the
    page's lazy finder, boots and drives a bridge session with no module from the lazy zip."""
    sources = stdlib.stock_sources(stdlib.pyodide_dir() / "python_stdlib.zip")
    report = check(on_disk, tmp_path, stdlib.extra_imports(sources), bridge=True)
    assert report["problem"] is None
    assert report["import_failures"] == {}
    assert report["lazy_modules"] == []
    boot = set(stdlib.manifest_from_zip(on_disk[0].read_bytes())["boot"]) | {stdlib.LAZY_FINDER_MODULE}
    assert set(report["modules"]) <= boot


def test_every_module_of_the_issue_imports_in_the_page_python(on_disk, tmp_path):
    """The issue's list, imported in the page's Python (the shipped zips, under Node): all of them
    import, and from the boot zip (or built in), so such a script never waits for the lazy zip."""
    report = check(on_disk, tmp_path, ISSUE_MODULES)
    assert report["import_failures"] == {}
    assert report["lazy_modules"] == []


def test_a_module_outside_the_boot_zip_imports_from_the_lazy_zip(on_disk, tmp_path):
    """The lazy finder mounts the lazy zip on first need: a package of it, a submodule of a
    boot-zip package (json.tool, encodings.cp1252), and what they import in turn."""
    names = ["xml.dom.minidom", "email.message", "sqlite3", "json.tool", "encodings.cp1252", "unittest", "pdb"]
    report = check(on_disk, tmp_path, names)
    assert report["import_failures"] == {}
    assert set(names) <= set(report["lazy_modules"])


# Imported by a branch that never runs in the page (the bridge writes input.txt first).
NOT_IN_THE_PAGE = {
    "urllib.request": "microgpt.py's download of input.txt, which the bridge writes first; needs sockets",
}


def _stdlib_imports_of_bridge_and_script(manifest):
    """Every standard module py/bridge/*.py and py/microgpt.py import, found by ast: a module of
    the stock zip by its full name, a built-in one (math, sys...) by its top-level name."""
    stock = set(manifest["boot"]) | set(manifest["frozen"]) | set(manifest["lazy"])
    found = set()
    for path in [*sorted((PY / "bridge").rglob("*.py")), PY / "microgpt.py"]:
        for name, _ in _imports(path):
            top = name.split(".")[0]
            if top in NOT_REACHED_ON_314 or top not in sys.stdlib_module_names or name in NOT_IN_THE_PAGE:
                continue
            found.add(name if name in stock else top)
    return sorted(found)


def test_every_stdlib_import_of_bridge_and_script_imports_in_pyodide(manifest, on_disk, tmp_path):
    """Not the list, the imports themselves: Pyodide under Node with the page's zips imports
    each of them from the boot zip (a missing one would fail the learner's first load)."""
    names = _stdlib_imports_of_bridge_and_script(manifest)
    assert {"math", "random", "ast", "json"} <= set(names)
    report = check(on_disk, tmp_path, names)
    assert report["import_failures"] == {}
    assert report["lazy_modules"] == []


# Shipped (they are in Pyodide's stdlib zip) but they cannot import in Pyodide, with its own stdlib
# as with the page's: Windows-only modules, and what needs a C module Pyodide does not have. A
# script that imports them gets the missing module's name, which py/bridge/errors.py explains.
FAIL_IN_PYODIDE = {
    **dict.fromkeys(["asyncio.windows_events", "asyncio.windows_utils", "encodings.mbcs", "encodings.oem",
                     "multiprocessing.popen_spawn_win32"], "Windows only"),
    **dict.fromkeys(["concurrent.interpreters", "concurrent.interpreters._crossinterp",
                     "concurrent.interpreters._queues", "concurrent.futures.interpreter"], "needs _interpreters"),
    **dict.fromkeys(["multiprocessing.forkserver", "multiprocessing.popen_forkserver",
                     "multiprocessing.resource_tracker", "multiprocessing.synchronize"], "needs _multiprocessing"),
    "multiprocessing.shared_memory": "needs _posixshmem",
}
# Importing these does something (opens a web browser, prints, runs a command line or a REPL).
NOT_IMPORTED = {"antigravity", "this"}


def test_every_shipped_module_imports_in_the_page_python(manifest, on_disk, tmp_path):
    names = [m for m in manifest["boot"] + manifest["lazy"]
             if m not in NOT_IMPORTED and m.rpartition(".")[2] != "__main__"]
    report = check(on_disk, tmp_path, names)
    assert sorted(report["import_failures"]) == sorted(FAIL_IN_PYODIDE)
    assert len(report["lazy_modules"]) > 300
