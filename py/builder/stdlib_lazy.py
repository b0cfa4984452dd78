"""The rest of the standard library, mounted on its first import. Runs in the page's Python.

The build ships this file in the boot zip as `_guide_stdlib` (py/builder/stdlib.py). The page
carries Pyodide's whole stdlib as .pyc in two zips: the boot zip (/lib/python314.zip: what the
boot, the bridge and common scripts import) and the lazy zip, which the page keeps compressed
until a module of it is imported. Once Python is up, the worker calls

    install(fetch)     # fetch() -> the lazy zip, xz- or gzip-compressed (a JS Uint8Array or bytes)

(js/worker/lazy-stdlib.js). That appends a finder to sys.meta_path, after the path finder, so the
boot zip answers first and the finder sees only the names it does not hold. For a name of the
lazy zip (the boot zip's manifest lists them) the finder, the first time, decompresses the zip
(the page's is xz: Python's lzma in wasm, ~0.15-0.3 s for its ~6 MB under Node; a gzip one, as
the build's tools hand it, zlib: ~50 ms), writes it beside the boot zip and appends it to sys.path;
then it finds the module there like any zip on sys.path. A name in neither zip is left to the
next finder, and the import fails as it would anywhere.

It imports only what Pyodide's boot has loaded already (json, sys, zlib, lzma, importlib.machinery).
"""

import json
import sys
import zlib
from importlib.machinery import PathFinder

MANIFEST = "stdlib-modules.json"


class LazyStdlibFinder:
    def __init__(self, names, fetch, path):
        self.names = frozenset(names)  # every module of the lazy zip, by full name
        self.fetch = fetch
        self.path = path  # where the zip goes once decoded
        self.mounted = False

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.names:
            return None
        self.mount(fullname)
        # A submodule of a package from the boot zip (encodings.cp1252, json.tool) is looked for
        # in that package's directory inside the lazy zip; a package of the lazy zip finds its
        # own submodules itself (its __path__ is inside the lazy zip).
        parent = fullname.rpartition(".")[0]
        where = "/".join([self.path, *parent.split(".")]) if parent else self.path
        return PathFinder.find_spec(fullname, [where], target)

    def mount(self, fullname):
        if self.mounted:
            return
        try:
            packed = self.fetch()
            packed = packed.to_bytes() if hasattr(packed, "to_bytes") else bytes(packed)
            with open(self.path, "wb") as f:
                f.write(_decompress(packed))
        except Exception as exc:
            raise ImportError(f"the guide's Python could not load the rest of its standard library "
                              f"to import {fullname!r}: {type(exc).__name__}: {exc}", name=fullname) from exc
        self.mounted = True
        self.fetch = None  # the packed bytes can go
        sys.path_importer_cache.pop(self.path, None)
        sys.path.append(self.path)  # for pkgutil and the like; imports come through here anyway


def _decompress(packed):
    if packed[:6] == b"\xfd7zXZ\x00":  # an xz stream
        import lzma

        return lzma.decompress(packed)
    return zlib.decompress(packed, wbits=31)  # 31: a gzip stream


def install(fetch):
    """Append the finder for the lazy zip to sys.meta_path (once); returns it."""
    for finder in sys.meta_path:
        if isinstance(finder, LazyStdlibFinder):
            return finder
    manifest = json.loads(__loader__.get_data(MANIFEST))  # noqa: F821 (set by zipimport)
    boot_zip = __loader__.archive  # noqa: F821 e.g. /lib/python314.zip
    finder = LazyStdlibFinder(manifest["lazy"], fetch, boot_zip.removesuffix(".zip") + "-lazy.zip")
    sys.meta_path.append(finder)
    return finder
