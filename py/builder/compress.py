"""Compression and encoding of embedded assets.

gzip because the browser can undo it natively (DecompressionStream); base64 because the
result must live inside an HTML text node. Both are deterministic (mtime 0), so the same
inputs always give the same file."""

import base64
import gzip


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def to_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def gzip_base64(data: bytes) -> str:
    return to_base64(gzip_bytes(data))


def decode_gzip_base64(text: str) -> bytes:
    """The inverse, as the page does it; used by the tests."""
    return gzip.decompress(base64.b64decode(text))
