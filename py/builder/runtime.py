"""The Pyodide runtime files that go into the page, taken from the pinned npm package."""

import json
from dataclasses import dataclass

from builder import compress, snapshot, stdlib, text8
from builder.paths import CACHE_DIR, PYODIDE_DIR
from builder.stdlib import StdlibZips

# The asset name of the lazy stdlib zip (js/worker/lazy-stdlib.js has the same).
LAZY_STDLIB = "python_stdlib_lazy.zip"
# The asset name of Python's memory snapshot (builder/snapshot.py; js/worker/snapshot.js).
SNAPSHOT = "pyodide-snapshot.bin"


@dataclass(frozen=True)
class Asset:
    name: str  # the file name Pyodide's loader asks for
    encoding: str  # "<compression>+text8" (see compress.encode_asset) or "text"
    text: str  # what goes into the page
    raw: bytes  # the bytes it decodes to (for the snapshot: its zstd stream)


def pyodide_version() -> str:
    return json.loads((PYODIDE_DIR / "package.json").read_text())["version"]


def minimal_lockfile() -> bytes:
    """The lockfile with no packages: the guide installs none, and the full one is ~120 KB."""
    lock = json.loads((PYODIDE_DIR / "pyodide-lock.json").read_text())
    return json.dumps({"info": lock["info"], "packages": {}}, separators=(",", ":")).encode()


def stdlib_zips() -> StdlibZips:
    """The page's stdlib, precompiled: the boot zip and the lazy one (builder/stdlib.py)."""
    return stdlib.stdlib_zips(CACHE_DIR)


# How each binary asset is packed. gzip, as the browser undoes it natively (DecompressionStream):
# the wasm is inflated as its pieces are parsed and streamed straight into
# WebAssembly.compileStreaming (bench/boot_compare.py, 7 paired cold loads at a load average of
# 5-6: ready 0.95 s sooner than with LZMA, whose decoder in the worker, ~1 s, was what compiling
# waited for), for 0.9 MB more of the page than LZMA. The boot zip is gzip too: it is needed
# before Python starts. The lazy stdlib is xz, 0.55 MB smaller than gzip: the page never inflates
# it, Python does, with its own lzma (in the wasm), on the first import of one of its modules
# (~0.15-0.3 s for its 5.5 MB under Node, against ~0.05 s for zlib).
ENCODINGS = {
    "pyodide.mjs": "gzip+text8",
    "pyodide.asm.mjs": "gzip+text8",
    "pyodide.asm.wasm": "gzip+text8",
    "python_stdlib.zip": "gzip+text8",
    LAZY_STDLIB: "xz+text8",
}


def _packed(name: str, raw: bytes) -> Asset:
    encoding = ENCODINGS[name]
    return Asset(name, encoding, compress.encode_asset(encoding, raw), raw)


def runtime_assets(zips: StdlibZips | None = None, sources: dict | None = None, script: dict | None = None,
                   dataset: str | None = None) -> list[Asset]:
    """The runtime's assets in page order. With `sources` (the bridge package), `script`
    ({filename, source}) and `dataset` (text), the page restores Python from a memory snapshot
    with that script loaded (builder/snapshot.py) when the build can make one: then the wasm
    carries no data segments and the boot zip no module the snapshot has imported."""
    if not PYODIDE_DIR.exists():
        raise SystemExit("node_modules/pyodide is missing: run `npm ci` (or `make setup`) first.")
    zips = zips or stdlib_zips()
    files = {name: (PYODIDE_DIR / name).read_bytes() for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")}
    snap = snapshot.snapshot_asset(zips.boot, sources, script, dataset) if sources is not None else None
    boot = zips.boot
    # In the order the worker needs them (the page hands each over as soon as it is parsed): the
    # two loader modules (and the lock file) are small and must be imported before Python can
    # start; the wasm, compiled as its pieces come, while the parser reads the snapshot; the
    # snapshot, which the worker decompresses in one go once whole (that blocks the worker's
    # thread: placed before the wasm, it held up the wasm's compile by its ~0.4 s of zstd); then
    # the boot zip, needed last; the lazy stdlib only on the import of a module outside the boot
    # zip and the snapshot (js/worker/lazy-stdlib.js).
    lock = minimal_lockfile()
    assets = [_packed(name, files[name]) for name in ("pyodide.mjs", "pyodide.asm.mjs")]
    assets.append(Asset("pyodide-lock.json", "text", lock.decode(), lock))
    if snap is not None:
        files["pyodide.asm.wasm"] = snapshot.strip_data(files["pyodide.asm.wasm"])
        boot = snapshot.page_boot_zip(zips.boot, snap.imported)
    assets.append(_packed("pyodide.asm.wasm", files["pyodide.asm.wasm"]))
    if snap is not None:
        assets.append(Asset(SNAPSHOT, "zst+text8", text8.encode(snap.packed), snap.packed))
    assets.append(_packed("python_stdlib.zip", boot))
    assets.append(_packed(LAZY_STDLIB, zips.lazy))
    return assets
