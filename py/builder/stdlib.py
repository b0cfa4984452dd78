"""The page's trimmed standard library: a zip of .pyc files compiled by Pyodide's own CPython.

Pyodide's stock python_stdlib.zip holds .py sources only, so every boot compiles ~145 modules in
WebAssembly before Python is ready. Shipping bytecode compiled by the same CPython 3.14 skips that,
and keeping only the modules actually used shrinks the page. The build calls:

    trimmed_stdlib(cache_dir: Path) -> bytes     # the zip, ready to replace python_stdlib.zip

Which modules are kept (see modules_to_keep):
  - every module loaded from the stdlib zip while Pyodide boots and while a representative page
    session runs (stdlib_workload.py: load microgpt.py with names.txt, a training step, a sample,
    a trace, errors...), measured by running it in Pyodide under Node;
  - the `pyodide` and `_pyodide` packages whole (the worker may call any of their APIs);
  - ALLOW_LIST: modules shipped for a learner's edited script (none at present, see there).
Modules frozen into Pyodide's interpreter (os, io, codecs, site...) need no file. The zip also holds
MANIFEST_NAME, listing the kept, the frozen and the left-out stock modules, so the page can say
"module X is not in this page's trimmed standard library" when an import fails.

The same inputs give the same bytes: unchecked-hash .pyc (no timestamps), sorted entries, fixed zip
dates. Results are cached in cache_dir keyed on their inputs, so rebuilds are instant.

CLI:  PYTHONPATH=py python -m builder.stdlib --out X.zip [--report] [--verify]
(writes X.zip and stdlib-modules.json beside it; --report/--verify: see stdlib_report.py)
"""

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
NODE_HELPER = HERE / "pyodide_stdlib.mjs"
# The files whose content decides the result: changing any of them invalidates the cache.
BUILDER_SOURCES = (HERE / "stdlib.py", NODE_HELPER, HERE / "stdlib_workload.py",
                   HERE / "stdlib_compile.py")

MANIFEST_NAME = "stdlib-modules.json"
# Packages the worker talks to directly; kept whole even where the workload does not reach.
WHOLE_PACKAGES = ("pyodide", "_pyodide")

# Modules to ship beyond the traced ones, for a learner's edited script. Empty on purpose (issue 8:
# the page's size): every name here adds its bytes and everything it imports (statistics,
# fractions, pickle, calendar... were ~0.2 MB of the page). An edit that imports a standard module
# the page lacks gets a message naming it and saying that the guide's Python carries only part of
# the standard library (py/bridge/errors.py). Built-in modules (math, itertools, time, array...)
# need no file and are always there.
ALLOW_LIST: tuple[str, ...] = ()

# A fixed timestamp (the earliest a zip can hold) so the bytes do not depend on the build time.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def pyodide_dir(repo: Path = REPO) -> Path:
    return repo / "node_modules" / "pyodide"


def pyodide_version(repo: Path = REPO) -> str:
    return json.loads((pyodide_dir(repo) / "package.json").read_text())["version"]


def stock_sources(stock_zip: Path) -> dict[str, str]:
    """Module name -> its .py path inside the stock zip (json -> json/__init__.py)."""
    found = {}
    with zipfile.ZipFile(stock_zip) as z:
        for name in z.namelist():
            if not name.endswith(".py") or name.startswith("site-packages/"):
                continue
            parts = name[: -len(".py")].split("/")
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = name
    return found


def _digest(*chunks: bytes | str) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        data = chunk.encode() if isinstance(chunk, str) else chunk
        h.update(len(data).to_bytes(8, "little") + data)  # length-prefixed: no ambiguity
    return h.hexdigest()[:24]


def _workload_inputs(repo: Path) -> list[Path]:
    """The sources whose imports the workload measures: the bridge and the script."""
    py = repo / "py"
    return sorted((py / "bridge").rglob("*.py")) + [py / "microgpt.py"]


def _node() -> str:
    node = os.environ.get("NODE") or shutil.which("node")
    if not node:
        raise RuntimeError("builder.stdlib needs Node (to run Pyodide at build time); none found")
    return node


def run_node_helper(repo: Path, *args: str) -> str:
    """Run pyodide_stdlib.mjs (trace, compile or check); its stdout, or RuntimeError."""
    proc = subprocess.run(
        [_node(), str(NODE_HELPER), *args], cwd=repo, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"pyodide_stdlib.mjs {args[0]} failed:\n{proc.stderr[-4000:]}")
    return proc.stdout


def _whole_package_modules(sources: dict[str, str]) -> list[str]:
    return sorted(
        m for m in sources if any(m == p or m.startswith(p + ".") for p in WHOLE_PACKAGES)
    )


def extra_imports(sources: dict[str, str]) -> list[str]:
    return list(ALLOW_LIST) + _whole_package_modules(sources)


def trace_modules(cache_dir: Path, repo: Path = REPO) -> dict:
    """Run the workload in Pyodide and return its report (cached on its inputs)."""
    stock_zip = pyodide_dir(repo) / "python_stdlib.zip"
    sources = stock_sources(stock_zip)
    extra = extra_imports(sources)
    inputs = _workload_inputs(repo)
    key = _digest(
        "trace", pyodide_version(repo), stock_zip.read_bytes(), json.dumps(extra),
        *(p.read_bytes() for p in BUILDER_SOURCES),
        *(f"{p.relative_to(repo)}\0" for p in inputs), *(p.read_bytes() for p in inputs),
    )
    cached = cache_dir / f"stdlib-trace-{key}.json"
    if cached.exists():
        return json.loads(cached.read_text())
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "trace.json"
        options = json.dumps({"extra_imports": extra})
        run_node_helper(repo, "trace", "--py", str(repo / "py"), "--out", str(out),
                        "--options", options)
        report = json.loads(out.read_text())
    problem = report.get("problem")
    # Until the bridge exists the build still works (boot + allow-list); any other failure of
    # the workload would leave out modules the page needs, so it stops the build.
    if problem and not problem.startswith("missing:"):
        raise RuntimeError(f"the stdlib workload failed in Pyodide: {problem}")
    _write_atomically(cached, json.dumps(report, indent=1).encode())
    return report


def modules_to_keep(report: dict, sources: dict[str, str]) -> list[str]:
    """The traced modules, the whole packages, and every parent package of each."""
    keep = set(report["modules"]) | set(_whole_package_modules(sources))
    for name in list(keep):
        parts = name.split(".")
        keep.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return sorted(m for m in keep if m in sources)


def compile_pycs(files: list[str], repo: Path = REPO) -> dict[str, bytes]:
    """Stock-zip .py paths -> .pyc bytes, compiled by Pyodide's CPython under Node."""
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "files.json"
        listing.write_text(json.dumps(files))
        out_dir = Path(tmp) / "out"
        run_node_helper(repo, "compile", "--out-dir", str(out_dir), "--files", str(listing))
        return {name + "c": (out_dir / (name + "c")).read_bytes() for name in files}


def _zip_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.create_system = 3  # "Unix", whatever the build host: part of the bytes
    info.external_attr = 0o100644 << 16
    # Stored, not deflated: the page gzips the whole zip anyway, and gzip does better across the
    # files of an uncompressed archive; zipimport then reads entries without inflating them.
    info.compress_type = zipfile.ZIP_STORED
    return info


def pack(pycs: dict[str, bytes], manifest: dict) -> bytes:
    """A deterministic zip: sorted entries, fixed dates and modes, manifest first."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(_zip_entry(MANIFEST_NAME), json.dumps(manifest, indent=0, sort_keys=True))
        for name in sorted(pycs):
            z.writestr(_zip_entry(name), pycs[name])
    return buf.getvalue()


def build_manifest(kept: list[str], sources: dict[str, str], report: dict, version: str) -> dict:
    frozen = set(report["frozen"]) & set(sources)
    return {
        "pyodide": version,
        "python": report["python"],
        "modules": kept,
        # Compiled into the interpreter (os, io, site...): importable with no file in the zip.
        "frozen": sorted(frozen - set(kept)),
        # Stock modules left out: the page can tell "not in this trimmed stdlib" apart from
        # "not part of Python's standard library at all".
        "omitted": sorted(set(sources) - set(kept) - frozen),
    }


def trimmed_stdlib(cache_dir: Path, repo: Path = REPO) -> bytes:
    """The trimmed stdlib zip's bytes (cached in cache_dir; same inputs, same bytes)."""
    cache_dir = Path(cache_dir)
    stock_zip = pyodide_dir(repo) / "python_stdlib.zip"
    sources = stock_sources(stock_zip)
    report = trace_modules(cache_dir, repo)
    kept = modules_to_keep(report, sources)
    version = pyodide_version(repo)
    manifest = build_manifest(kept, sources, report, version)
    key = _digest(
        "zip", version, stock_zip.read_bytes(), json.dumps(manifest, sort_keys=True),
        *(p.read_bytes() for p in BUILDER_SOURCES),
    )
    cached = cache_dir / f"stdlib-{key}.zip"
    if cached.exists():
        return cached.read_bytes()
    data = pack(compile_pycs([sources[m] for m in kept], repo), manifest)
    _write_atomically(cached, data)
    return data


def _write_atomically(path: Path, data: bytes) -> None:
    """A concurrent or interrupted build never sees half a cache file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def manifest_from_zip(data: bytes) -> dict:
    """The module manifest stored in a trimmed stdlib zip (for the page's import errors)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return json.loads(z.read(MANIFEST_NAME))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m builder.stdlib", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="where to write the zip")
    parser.add_argument("--cache-dir", type=Path, default=REPO / "build-cache")
    parser.add_argument("--report", action="store_true", help="print sizes and module count")
    parser.add_argument("--verify", action="store_true",
                        help="boot Pyodide under Node with stock and trimmed stdlib, compare")
    parser.add_argument("--runs", type=int, default=3, help="boots per stdlib for --verify")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    data = trimmed_stdlib(args.cache_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    manifest_path = args.out.parent / MANIFEST_NAME
    manifest_path.write_text(json.dumps(manifest_from_zip(data), indent=1, sort_keys=True) + "\n")
    print(f"wrote {args.out} ({len(data)} bytes) and {manifest_path} "
          f"in {time.perf_counter() - start:.1f} s")
    if not (args.report or args.verify):
        return 0
    from builder import stdlib_report  # measuring tools, only for the CLI

    if args.report:
        stdlib_report.print_report(data, args.cache_dir, REPO)
    if args.verify:
        return stdlib_report.verify(args.out, REPO, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
