"""The trimmed standard library (builder.stdlib): only bytecode, nothing the page imports is
missing, and the same inputs give the same bytes."""

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


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Two builds in separate caches. The second reuses only the first's module trace, so its
    .pyc files are compiled afresh by another Pyodide process."""
    first_cache = tmp_path_factory.mktemp("cache1")
    first = stdlib.trimmed_stdlib(first_cache)
    second_cache = tmp_path_factory.mktemp("cache2")
    for trace in first_cache.glob("stdlib-trace-*.json"):
        shutil.copy(trace, second_cache)
    second = stdlib.trimmed_stdlib(second_cache)
    return first, second


@pytest.fixture(scope="module")
def archive(builds):
    return zipfile.ZipFile(BytesIO(builds[0]))


@pytest.fixture(scope="module")
def manifest(builds):
    return stdlib.manifest_from_zip(builds[0])


def test_same_inputs_same_bytes(builds):
    assert builds[0] == builds[1]


def test_only_bytecode_and_the_manifest(archive):
    names = archive.namelist()
    assert stdlib.MANIFEST_NAME in names
    others = [n for n in names if n != stdlib.MANIFEST_NAME and not n.endswith(".pyc")]
    assert others == []
    assert names == [stdlib.MANIFEST_NAME, *sorted(n for n in names if n.endswith(".pyc"))]
    assert {info.date_time for info in archive.infolist()} == {stdlib.ZIP_DATE}


def test_pyc_are_unchecked_hash_based_from_one_interpreter(archive):
    headers = {n: archive.read(n)[:8] for n in archive.namelist() if n.endswith(".pyc")}
    assert len({h[:4] for h in headers.values()}) == 1, "one magic number: one CPython"
    # PEP 552 flags: 0b01 = hash-based, source never checked.
    assert {int.from_bytes(h[4:8], "little") for h in headers.values()} == {0b01}


def test_manifest_matches_the_zip_and_the_stock_stdlib(archive, manifest):
    files = {n for n in archive.namelist() if n.endswith(".pyc")}
    sources = stdlib.stock_sources(stdlib.pyodide_dir() / "python_stdlib.zip")
    assert files == {sources[m] + "c" for m in manifest["modules"]}
    parts = [set(manifest[k]) for k in ("modules", "frozen", "omitted")]
    assert set.union(*parts) == set(sources)
    assert sum(map(len, parts)) == len(sources), "each stock module in exactly one list"
    assert {"os", "io", "codecs"} <= parts[1], "frozen into Pyodide's interpreter"
    for package in stdlib.WHOLE_PACKAGES:
        assert not [m for m in manifest["omitted"] if m.split(".")[0] == package]


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


# Imports that the page's CPython 3.14 never executes, so the trimmed stdlib leaves them out.
NOT_REACHED_ON_314 = {
    "ctypes": "bridge/observe.py writes frame locals through ctypes only before 3.13 (PEP 667)",
}


def test_every_stdlib_module_the_bridge_and_script_import_is_present(manifest):
    kept = set(manifest["modules"]) | set(manifest["frozen"])
    stock = kept | set(manifest["omitted"])  # built-in modules (math, sys...) are in none
    missing = []
    for path in [*sorted((PY / "bridge").rglob("*.py")), PY / "microgpt.py"]:
        for name, unconditional in _imports(path):
            top = name.split(".")[0]
            if top in NOT_REACHED_ON_314:
                continue
            if top in stock and top not in kept:
                missing.append(f"{path.name}: {name}")
            # A module-level import runs on every load: the module itself must be there too
            # (a `from x import name` where x.name is not a module is in neither set).
            if unconditional and name in stock and name not in kept:
                missing.append(f"{path.name}: {name}")
    assert missing == []


def test_pyodide_boots_and_runs_the_workload_with_it(builds, tmp_path):
    """The real proof: Pyodide under Node, given this zip instead of the stock one, boots and
    drives a bridge session, and every allow-listed module imports."""
    zip_path = tmp_path / "stdlib.zip"
    zip_path.write_bytes(builds[0])
    out = tmp_path / "check.json"
    sources = stdlib.stock_sources(stdlib.pyodide_dir() / "python_stdlib.zip")
    options = json.dumps({"extra_imports": stdlib.extra_imports(sources)})
    stdlib.run_node_helper(stdlib.REPO, "check", "--py", str(PY), "--out", str(out),
                     "--stdlib", str(zip_path), "--options", options)
    report = json.loads(out.read_text())["report"]
    assert report["problem"] is None
    assert report["import_failures"] == {}
    loaded_from_zip = set(report["modules"])
    assert loaded_from_zip <= set(stdlib.manifest_from_zip(builds[0])["modules"])


# Imported by a branch that never runs in the page; if it did, the learner would get the "only
# part of the standard library" message (tests/unit/test_missing_module.py).
NOT_IN_THE_PAGE = {
    "urllib.request": "microgpt.py's download of input.txt, which the bridge writes first; needs sockets",
}


def _stdlib_imports_of_bridge_and_script(manifest):
    """Every standard module py/bridge/*.py and py/microgpt.py import, found by ast: a module of
    the stock zip by its full name, a built-in one (math, sys...) by its top-level name."""
    stock = set(manifest["modules"]) | set(manifest["frozen"]) | set(manifest["omitted"])
    found = set()
    for path in [*sorted((PY / "bridge").rglob("*.py")), PY / "microgpt.py"]:
        for name, _ in _imports(path):
            top = name.split(".")[0]
            if top in NOT_REACHED_ON_314 or top not in sys.stdlib_module_names or name in NOT_IN_THE_PAGE:
                continue
            found.add(name if name in stock else top)
    return sorted(found)


def test_every_stdlib_import_of_bridge_and_script_imports_in_pyodide(builds, manifest, tmp_path):
    """Not the list, the imports themselves: Pyodide under Node with the trimmed zip imports
    each of them (a missing one would fail the learner's first load in the page)."""
    names = _stdlib_imports_of_bridge_and_script(manifest)
    assert {"math", "random", "ast", "json"} <= set(names)
    zip_path = tmp_path / "stdlib.zip"
    zip_path.write_bytes(builds[0])
    out = tmp_path / "check.json"
    options = json.dumps({"extra_imports": names, "bridge": False})
    stdlib.run_node_helper(stdlib.REPO, "check", "--py", str(PY), "--out", str(out),
                           "--stdlib", str(zip_path), "--options", options)
    assert json.loads(out.read_text())["report"]["import_failures"] == {}
