"""Compression and encoding of embedded assets.

gzip because the browser can undo it natively (DecompressionStream); xz for what Python itself
decompresses in the page (its lzma, in the wasm: the lazy stdlib), ~25 % smaller; text (base64 or
one byte of the file per byte, see text8.py) because the result must live inside an HTML text node.
The gzip streams are made with zopfli when it is installed (a few per cent smaller than gzip -9,
and slow, so results are cached by content in build-cache/, as are the xz ones); all are
deterministic, so the same inputs always give the same file."""

import base64
import gzip
import hashlib
import lzma
import os

from builder import text8
from builder.paths import CACHE_DIR

try:
    import zopfli.gzip as _zopfli
except ImportError:  # the build still works, a little larger
    _zopfli = None

# Below this size zopfli is quick enough not to bother the cache.
_CACHE_FROM_BYTES = 256 * 1024


def gzip_bytes(data: bytes) -> bytes:
    if _zopfli is None:
        return gzip.compress(data, compresslevel=9, mtime=0)
    if len(data) < _CACHE_FROM_BYTES:
        return _zopfli.compress(data, numiterations=1)
    cached = CACHE_DIR / f"zopfli-{hashlib.sha256(data).hexdigest()[:32]}.gz"
    if cached.exists():
        return cached.read_bytes()
    packed = _zopfli.compress(data, numiterations=1)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(packed)
    return packed


def _cached(kind: str, data: bytes, make) -> bytes:
    """make(data), kept in build-cache/ by content: the best settings take up to a minute."""
    cached = CACHE_DIR / f"{kind}-{hashlib.sha256(data).hexdigest()[:32]}.{kind}"
    if cached.exists():
        return cached.read_bytes()
    packed = make(data)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")  # concurrent builds: no half files
    tmp.write_bytes(packed)
    tmp.replace(cached)
    return packed


# xz at its strongest: ~25 % smaller than zopfli's gzip on the stdlib zips.
def xz(data: bytes) -> bytes:
    return lzma.compress(data, format=lzma.FORMAT_XZ, preset=9 | lzma.PRESET_EXTREME)


def xz_bytes(data: bytes) -> bytes:
    return xz(data) if len(data) < _CACHE_FROM_BYTES else _cached("xz", data, xz)


def to_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def gzip_base64(data: bytes) -> str:
    return to_base64(gzip_bytes(data))


_COMPRESSORS = {"gzip": gzip_bytes, "xz": xz_bytes}


def encode_asset(encoding: str, data: bytes) -> str:
    """data as page text, for an encoding "<gzip|xz>+<base64|text8>"."""
    compression, text = encoding.split("+")
    packed = _COMPRESSORS[compression](data)
    return to_base64(packed) if text == "base64" else text8.encode(packed)


def decode_asset(encoding: str, text: str) -> bytes:
    """The inverse, as the page does it; used by the tests."""
    compression, form = encoding.split("+")
    packed = base64.b64decode(text) if form == "base64" else text8.decode(text)
    return gzip.decompress(packed) if compression == "gzip" else lzma.decompress(packed)


def decode_gzip_base64(text: str) -> bytes:
    """The inverse, as the page does it; used by the tests."""
    return gzip.decompress(base64.b64decode(text))
