"""The Pyodide runtime files that go into the page, taken from the pinned npm package."""

import json
from dataclasses import dataclass

from builder import compress, stdlib
from builder.paths import CACHE_DIR, PYODIDE_DIR
from builder.stdlib import StdlibZips

# The asset name of the lazy stdlib zip (js/worker/lazy-stdlib.js has the same).
LAZY_STDLIB = "python_stdlib_lazy.zip"


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


def stdlib_zips() -> StdlibZips:
    """The page's stdlib, precompiled: the boot zip and the lazy one (builder/stdlib.py)."""
    return stdlib.stdlib_zips(CACHE_DIR)


# How each binary asset is packed. LZMA only for the wasm: 0.9 MB smaller than gzip, for the
# file's size budget (tests/unit/test_build.py); its decoding (~1 s in Chromium here, in the
# worker) is what compiling the wasm waits for. The stdlib stays gzip: LZMA would save 0.3 MB but
# its decoding runs on the same worker thread as the wasm's and added ~0.3 s to the boot
# (bench/boot.py, 3.75 s vs 4.05 s to ready). The two JS modules stay gzip: they are needed before
# anything can start, and native gunzip is faster than LZMA would save in size (40 KB). The lazy
# stdlib is gzip too: it is decoded inside an import, synchronously, by Python's zlib (~0.1 s with
# the text's decoding, for its 5.5 MB, under Node); LZMA would save ~0.6 MB of the page, but the
# page's own decoder would take ~0.2 s more on that import.
ENCODINGS = {
    "pyodide.mjs": "gzip+text7",
    "pyodide.asm.mjs": "gzip+text7",
    "pyodide.asm.wasm": "lzma+text7",
    "python_stdlib.zip": "gzip+text7",
    LAZY_STDLIB: "gzip+text7",
}


def _packed(name: str, raw: bytes) -> Asset:
    encoding = ENCODINGS[name]
    return Asset(name, encoding, compress.encode_asset(encoding, raw), raw)


def runtime_assets(zips: StdlibZips | None = None) -> list[Asset]:
    if not PYODIDE_DIR.exists():
        raise SystemExit("node_modules/pyodide is missing: run `npm ci` (or `make setup`) first.")
    # In the order the worker starts on them (the page hands each over as soon as it is parsed):
    # the two loader modules are small and must be imported before Python can start; the wasm
    # is decoded and compiled as its pieces come; the stdlib is needed last, and the lazy stdlib
    # only on the import of a module outside the boot zip (js/worker/lazy-stdlib.js).
    files = {name: (PYODIDE_DIR / name).read_bytes() for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")}
    assets = [_packed(name, raw) for name, raw in files.items()]
    lock = minimal_lockfile()
    assets.append(Asset("pyodide-lock.json", "text", lock.decode(), lock))
    zips = zips or stdlib_zips()
    assets.append(_packed("python_stdlib.zip", zips.boot))
    assets.append(_packed(LAZY_STDLIB, zips.lazy))
    return assets
