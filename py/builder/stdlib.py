"""The page's standard library: Pyodide's whole pure-Python stdlib as .pyc, in two zips.

Pyodide's stock python_stdlib.zip holds .py sources only, so every boot compiles ~145 modules in
WebAssembly before Python is ready. Shipping bytecode compiled by the same CPython 3.14 skips that.
Every module of the stock zip is shipped (a learner's script may import any of them), split so
that the boot decodes only what it needs:

  - the boot zip (python_stdlib.zip, installed by Pyodide as /lib/python314.zip): every module
    loaded from the stdlib zip while Pyodide boots and while a representative page session runs
    (stdlib_workload.py: load microgpt.py with names.txt, a training step, a sample, a trace,
    errors...), measured by running it in Pyodide under Node; the `pyodide` and `_pyodide`
    packages whole (the worker may call any of their APIs); PLAIN_SCRIPT_MODULES, what a plain
    script commonly imports, and what those import; and the lazy finder (stdlib_lazy.py);
  - the lazy zip (python_stdlib_lazy.zip): every other module of the stock zip. The page keeps it
    compressed; the first import of one of its modules decodes it and puts it on sys.path
    (stdlib_lazy.py, js/worker/lazy-stdlib.js).

Modules frozen into Pyodide's interpreter (os, io, codecs, site...) need no file and are in
neither. Nothing else of the stock zip is left out: the standard modules that cannot run in a
browser (tkinter, curses, readline, venv...) are already absent from it, and the few shipped ones
that cannot import there (asyncio.windows_events, multiprocessing.synchronize...) cost ~30 KB and
fail with the missing module's own name, which py/bridge/errors.py explains.

The boot zip holds MANIFEST_NAME: the boot, lazy and frozen module lists (the lazy finder reads it).

    stdlib_zips(cache_dir: Path) -> StdlibZips(boot: bytes, lazy: bytes)

The same inputs give the same bytes: unchecked-hash .pyc (no timestamps), sorted entries, fixed zip
dates. Results are cached in cache_dir keyed on their inputs, so rebuilds are instant.

CLI:  PYTHONPATH=py python -m builder.stdlib --out X.zip [--report] [--verify]
(writes X.zip, X-lazy.zip and stdlib-modules.json beside them; --report/--verify: stdlib_report.py)
"""

import argparse
import gzip
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
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
NODE_HELPER = HERE / "pyodide_stdlib.mjs"
# The lazy finder, shipped in the boot zip under this name (it runs in the page's Python).
LAZY_FINDER_SOURCE = HERE / "stdlib_lazy.py"
LAZY_FINDER_MODULE = "_guide_stdlib"
LAZY_FINDER_FILE = f"{LAZY_FINDER_MODULE}.py"
# The files whose content decides the result: changing any of them invalidates the cache.
BUILDER_SOURCES = (HERE / "stdlib.py", NODE_HELPER, HERE / "stdlib_workload.py",
                   HERE / "stdlib_compile.py", LAZY_FINDER_SOURCE)

MANIFEST_NAME = "stdlib-modules.json"
# Packages the worker talks to directly; kept whole even where the workload does not reach.
WHOLE_PACKAGES = ("pyodide", "_pyodide")

# What a plain script commonly imports (the issue "Any microgpt"): in the boot zip with everything
# they import, so such a script never waits for the lazy zip. Built-in (itertools, math, sys,
# time, unicodedata) and frozen (os) ones need no file; they are listed so that the tests import
# the whole list in the page's Python. ~20 modules beyond the traced ones: ~0.1 MB of the page.
PLAIN_SCRIPT_MODULES = (
    "argparse", "bisect", "collections", "copy", "csv", "dataclasses", "decimal", "enum",
    "fractions", "functools", "heapq", "itertools", "json", "math", "os", "pathlib", "pickle",
    "random", "re", "statistics", "string", "sys", "textwrap", "time", "typing", "unicodedata",
    # Not in the list, as common in small scripts and as cheap.
    "datetime", "hashlib", "pprint", "timeit",
)

# A fixed timestamp (the earliest a zip can hold) so the bytes do not depend on the build time.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class StdlibZips(NamedTuple):
    boot: bytes  # replaces Pyodide's python_stdlib.zip
    lazy: bytes  # the rest, mounted on first import (stdlib_lazy.py)


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
    """What the workload imports after the page session: their imports go in the boot zip too."""
    return list(PLAIN_SCRIPT_MODULES) + _whole_package_modules(sources)


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
    # Until the bridge exists the build still works (boot + plain-script modules); any other
    # failure of the workload would leave out of the boot zip modules the page needs at boot.
    if problem and not problem.startswith("missing:"):
        raise RuntimeError(f"the stdlib workload failed in Pyodide: {problem}")
    if report.get("import_failures"):
        raise RuntimeError(f"modules the boot zip must hold do not import in Pyodide: "
                           f"{report['import_failures']}")
    _write_atomically(cached, json.dumps(report, indent=1).encode())
    return report


def boot_modules(report: dict, sources: dict[str, str]) -> list[str]:
    """The traced modules, the whole packages, and every parent package of each."""
    keep = set(report["modules"]) | set(_whole_package_modules(sources))
    for name in list(keep):
        parts = name.split(".")
        keep.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return sorted(m for m in keep if m in sources)


def compile_pycs(files: list[str], repo: Path = REPO, own: dict[str, Path] | None = None) -> dict[str, bytes]:
    """Stock-zip .py paths -> .pyc bytes, compiled by Pyodide's CPython under Node; `own`: more
    sources, {path in the zip: host file} (under py/, which the helper mounts)."""
    own = own or {}
    py_dir = repo / "py"
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "files.json"
        listing.write_text(json.dumps({
            "files": files,
            "own": {name: str(path.relative_to(py_dir)) for name, path in own.items()},
        }))
        out_dir = Path(tmp) / "out"
        run_node_helper(repo, "compile", "--out-dir", str(out_dir), "--files", str(listing))
        return {name + "c": (out_dir / (name + "c")).read_bytes() for name in [*files, *own]}


def _zip_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.create_system = 3  # "Unix", whatever the build host: part of the bytes
    info.external_attr = 0o100644 << 16
    # Stored, not deflated: the page gzips the whole zip anyway, and gzip does better across the
    # files of an uncompressed archive; zipimport then reads entries without inflating them.
    info.compress_type = zipfile.ZIP_STORED
    return info


def pack(pycs: dict[str, bytes], manifest: dict | None = None) -> bytes:
    """A deterministic zip: sorted entries, fixed dates and modes, the manifest (if any) first."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        if manifest is not None:
            z.writestr(_zip_entry(MANIFEST_NAME), json.dumps(manifest, indent=0, sort_keys=True))
        for name in sorted(pycs):
            z.writestr(_zip_entry(name), pycs[name])
    return buf.getvalue()


def build_manifest(boot: list[str], sources: dict[str, str], report: dict, version: str) -> dict:
    frozen = set(report["frozen"]) & set(sources)
    return {
        "pyodide": version,
        "python": report["python"],
        "boot": boot,
        # Every other stock module: in the lazy zip, which the page decodes on first import.
        "lazy": sorted(set(sources) - set(boot) - frozen),
        # Compiled into the interpreter (os, io, site...): importable with no file in either zip.
        "frozen": sorted(frozen - set(boot)),
    }


def stdlib_zips(cache_dir: Path, repo: Path = REPO) -> StdlibZips:
    """The boot and lazy zips' bytes (cached in cache_dir; same inputs, same bytes)."""
    cache_dir = Path(cache_dir)
    stock_zip = pyodide_dir(repo) / "python_stdlib.zip"
    sources = stock_sources(stock_zip)
    report = trace_modules(cache_dir, repo)
    boot = boot_modules(report, sources)
    version = pyodide_version(repo)
    manifest = build_manifest(boot, sources, report, version)
    key = _digest(
        "zips", version, stock_zip.read_bytes(), json.dumps(manifest, sort_keys=True),
        *(p.read_bytes() for p in BUILDER_SOURCES),
    )
    cached_boot, cached_lazy = cache_dir / f"stdlib-{key}.zip", cache_dir / f"stdlib-lazy-{key}.zip"
    if cached_boot.exists() and cached_lazy.exists():
        return StdlibZips(cached_boot.read_bytes(), cached_lazy.read_bytes())
    pycs = compile_pycs([sources[m] for m in boot + manifest["lazy"]], repo,
                        own={LAZY_FINDER_FILE: LAZY_FINDER_SOURCE})
    lazy_files = {sources[m] + "c" for m in manifest["lazy"]}
    zips = StdlibZips(
        pack({n: b for n, b in pycs.items() if n not in lazy_files}, manifest),
        pack({n: b for n, b in pycs.items() if n in lazy_files}),
    )
    _write_atomically(cached_lazy, zips.lazy)
    _write_atomically(cached_boot, zips.boot)
    return zips


def _write_atomically(path: Path, data: bytes) -> None:
    """A concurrent or interrupted build never sees half a cache file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def manifest_from_zip(data: bytes) -> dict:
    """The module manifest stored in the boot zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return json.loads(z.read(MANIFEST_NAME))


def lazy_path(boot_path: Path) -> Path:
    """Where the CLI and the tests keep the lazy zip beside a boot zip: X.zip -> X-lazy.zip."""
    return boot_path.with_name(f"{boot_path.stem}-lazy{boot_path.suffix}")


def write_zips(zips: StdlibZips, boot_path: Path) -> Path:
    """Write both zips (the lazy one gzip-compressed, as the page hands it to Python: X-lazy.zip.gz);
    returns the .gz's path."""
    boot_path.parent.mkdir(parents=True, exist_ok=True)
    boot_path.write_bytes(zips.boot)
    lazy_path(boot_path).write_bytes(zips.lazy)
    packed = boot_path.with_name(lazy_path(boot_path).name + ".gz")
    packed.write_bytes(gzip.compress(zips.lazy, compresslevel=6, mtime=0))
    return packed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m builder.stdlib", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="where to write the boot zip")
    parser.add_argument("--cache-dir", type=Path, default=REPO / "build-cache")
    parser.add_argument("--report", action="store_true", help="print sizes and module counts")
    parser.add_argument("--verify", action="store_true",
                        help="boot Pyodide under Node with stock and the page's stdlib, compare")
    parser.add_argument("--runs", type=int, default=3, help="boots per stdlib for --verify")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    zips = stdlib_zips(args.cache_dir)
    write_zips(zips, args.out)
    manifest_path = args.out.parent / MANIFEST_NAME
    manifest_path.write_text(json.dumps(manifest_from_zip(zips.boot), indent=1, sort_keys=True) + "\n")
    print(f"wrote {args.out} ({len(zips.boot)} bytes), {lazy_path(args.out)} ({len(zips.lazy)} bytes) "
          f"and {manifest_path} in {time.perf_counter() - start:.1f} s")
    if not (args.report or args.verify):
        return 0
    from builder import stdlib_report  # measuring tools, only for the CLI

    if args.report:
        stdlib_report.print_report(zips, args.cache_dir, REPO)
    if args.verify:
        return stdlib_report.verify(args.out, REPO, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
