"""Compression and encoding of embedded assets.

gzip because the browser can undo it natively (DecompressionStream); base64 because the
result must live inside an HTML text node. The gzip streams are made with zopfli when it is
installed (a few per cent smaller than gzip -9, and slow, so results are cached by content in
build-cache/); both are deterministic, so the same inputs always give the same file."""

import base64
import gzip
import hashlib

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


def to_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def gzip_base64(data: bytes) -> str:
    return to_base64(gzip_bytes(data))


def decode_gzip_base64(text: str) -> bytes:
    """The inverse, as the page does it; used by the tests."""
    return gzip.decompress(base64.b64decode(text))
