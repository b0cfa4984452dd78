"""The Pyodide runtime files that go into the page, taken from the pinned npm package."""

import json
from dataclasses import dataclass

from builder import compress
from builder.paths import CACHE_DIR, PYODIDE_DIR


@dataclass(frozen=True)
class Asset:
    name: str  # the file name Pyodide's loader asks for
    encoding: str  # "<compression>+text7" (see compress.encode_asset) or "text"
    text: str  # what goes into the page
    raw: bytes  # the bytes it decodes to


def pyodide_version() -> str:
    return json.loads((PYODIDE_DIR / "package.json").read_text())["version"]


def minimal_lockfile() -> bytes:
    """The lockfile with no packages: the guide installs none, and the full one is ~120 KB."""
    lock = json.loads((PYODIDE_DIR / "pyodide-lock.json").read_text())
    return json.dumps({"info": lock["info"], "packages": {}}, separators=(",", ":")).encode()


def stdlib_zip() -> bytes:
    """The trimmed, precompiled stdlib when the builder for it is present, else the stock one."""
    try:
        from builder.stdlib import trimmed_stdlib
    except ImportError:
        return (PYODIDE_DIR / "python_stdlib.zip").read_bytes()
    return trimmed_stdlib(CACHE_DIR)


# How each binary asset is packed. LZMA only for the wasm: 0.9 MB smaller than gzip, which keeps
# the file under its 6 MB budget; its decoding (~1 s in Chromium here, in the worker) is what
# compiling the wasm waits for. The stdlib stays gzip: LZMA would save 0.3 MB but its decoding
# runs on the same worker thread as the wasm's and added ~0.3 s to the boot (bench/boot.py,
# 3.75 s vs 4.05 s to ready). The two JS modules stay gzip: they are needed before anything
# can start, and native gunzip is faster than LZMA would save in size (40 KB).
ENCODINGS = {
    "pyodide.mjs": "gzip+text7",
    "pyodide.asm.mjs": "gzip+text7",
    "pyodide.asm.wasm": "lzma+text7",
    "python_stdlib.zip": "gzip+text7",
}


def _packed(name: str, raw: bytes) -> Asset:
    encoding = ENCODINGS[name]
    return Asset(name, encoding, compress.encode_asset(encoding, raw), raw)


def runtime_assets() -> list[Asset]:
    if not PYODIDE_DIR.exists():
        raise SystemExit("node_modules/pyodide is missing: run `npm ci` (or `make setup`) first.")
    # In the order the worker starts on them (the page hands each over as soon as it is parsed):
    # the two loader modules are small and must be imported before Python can start; the wasm
    # is decoded and compiled as its pieces come; the stdlib is needed last.
    files = {name: (PYODIDE_DIR / name).read_bytes() for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")}
    assets = [_packed(name, raw) for name, raw in files.items()]
    lock = minimal_lockfile()
    assets.append(Asset("pyodide-lock.json", "text", lock.decode(), lock))
    assets.append(_packed("python_stdlib.zip", stdlib_zip()))
    return assets
