"""The page's memory snapshot of Python: the interpreter as it is once Pyodide has started, the
bridge is imported and the default script's setup has run, computed at build time, so that the
page's worker restores it instead of starting Python, importing the bridge and running the setup
itself (~1.5-2 s of WebAssembly on the machines we measure, bench/boot_compare.py).

It is Pyodide's own snapshot (`makeMemorySnapshot` / `loadPyodide({_loadSnapshot})`), made by the
same Pyodide under Node (snapshot.mjs) with the page's own standard library: the real state that
the page's boot reaches, with the bridge imported and the page's default script loaded in a
bridge Session (its setup run: py/bridge/preload.py). The worker adopts that session only for the
very same script text and data set; for any other (an edit, a downloaded guide with the
learner's script) it gives it up and loads that script after restoring, as after a cold start.

What the page carries (`pack`), zstd-compressed (~3.6 MB; gzip would be ~4.5 MB, and the page
has a 10 MB budget), in FRAMES frames after their table ("MGF1", count, then per frame its packed
and raw length), which together hold:

    magic "MGS2" | u32 length of the data image | u32 length of Pyodide's snapshot | u32 0
    | the data image: what the wasm's data segments put in its memory, from address 0
    | Pyodide's snapshot (header, then the wasm memory), trailing zeros cut

The page's wasm then carries no data segments (`strip_data`: 1.5 MB less gzip): the worker writes
the data image into the fresh instance's memory itself, before anything runs, then Pyodide
restores the snapshot over it. zstd rather than gzip because the data and the heap compress
~25 % better with its long window; the worker decompresses it with zstddec (js/worker/snapshot.js).

The modules the snapshot has imported need no file in the page: `page_boot_zip` leaves them out
of the boot zip (their code is in the snapshot's memory; the lazy finder's manifest is unchanged).

    snapshot_asset(stdlib_boot, sources, script, dataset) -> Snapshot(packed, imported) | None
"""

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

from builder.paths import CACHE_DIR, PYODIDE_DIR

HERE = Path(__file__).resolve().parent
MAKER = HERE / "snapshot.mjs"
MAGIC = b"MGS2"
PREFIX = struct.Struct("<4sIII")
PYODIDE_MAGIC = 0x706E7300  # the first word of Pyodide's snapshot header
WASM = PYODIDE_DIR / "pyodide.asm.wasm"
# Everything besides the inputs that decides the snapshot's bytes.
MAKER_SOURCES = (MAKER, HERE / "snapshot.py", PYODIDE_DIR / "package.json", WASM, PYODIDE_DIR / "pyodide.asm.mjs")
MAKE_TIMEOUT_S = 300
ZSTD_LEVEL = 22
# The packed snapshot is cut into frames that the worker decompresses one by one as the page's
# parser delivers them, so that only the last one is left once the page is parsed (one frame
# was ~0.4 s of decoding after the last byte, bench/boot.py). Four frames cost ~0.15 MB (the heap
# compresses worse cut off from what precedes it); more cost far more (six: +1 MB).
FRAMES = 4
FRAMED = struct.Struct("<4sI")  # magic "MGF1", the number of frames
FRAMED_MAGIC = b"MGF1"
FRAME = struct.Struct("<II")  # per frame: its packed length, its raw length


class Snapshot(NamedTuple):
    packed: bytes  # what the page carries (zstd), see the module's docstring
    imported: list[str]  # the boot zip's entries whose modules the snapshot has imported


def _leb(data: bytes, i: int, signed: bool = False) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            if signed and byte & 0x40:
                result -= 1 << shift
            return result, i


def _sections(wasm: bytes):
    """(id, start of the section's header, start of its content, end) for each section."""
    if wasm[:4] != b"\0asm":
        raise ValueError("not a WebAssembly module")
    i = 8
    while i < len(wasm):
        start, section = i, wasm[i]
        size, i = _leb(wasm, i + 1)
        yield section, start, i, i + size
        i += size


DATA, DATACOUNT = 11, 12


def data_image(wasm: bytes) -> bytes:
    """The bytes the wasm's data segments put in its memory at instantiation, from address 0 to
    the end of the last one (all of them are active: a passive one is refused)."""
    image = bytearray()
    for section, _, i, _ in _sections(wasm):
        if section != DATA:
            continue
        count, i = _leb(wasm, i)
        for _ in range(count):
            flags, i = _leb(wasm, i)
            if flags == 2:
                _, i = _leb(wasm, i)  # memory index
            elif flags != 0:
                raise ValueError(f"a data segment of kind {flags}: the page could not apply it itself")
            if wasm[i] != 0x41:  # i32.const
                raise ValueError("a data segment's offset is not a constant")
            offset, i = _leb(wasm, i + 1, signed=True)
            if wasm[i] != 0x0B:
                raise ValueError("a data segment's offset is not a single constant")
            length, i = _leb(wasm, i + 1)
            if len(image) < offset + length:
                image.extend(bytes(offset + length - len(image)))
            image[offset:offset + length] = wasm[i:i + length]
            i += length
    return bytes(image)


def strip_data(wasm: bytes) -> bytes:
    """The wasm without its data (and data count) section: a module whose memory starts zeroed."""
    return wasm[:8] + b"".join(wasm[start:end] for section, start, _, end in _sections(wasm)
                               if section not in (DATA, DATACOUNT))


def _zstd(data: bytes) -> bytes:
    import zstandard

    params = zstandard.ZstdCompressionParameters.from_level(
        ZSTD_LEVEL, window_log=max(20, (len(data) - 1).bit_length()), enable_ldm=True, source_size=len(data),
        write_content_size=True)
    return zstandard.ZstdCompressor(compression_params=params).compress(data)


def pack(snapshot: bytes, wasm: bytes) -> bytes:
    """Pyodide's snapshot and the wasm's data image as the page carries them: FRAMES zstd frames
    of equal raw size, after a table of their packed and raw lengths."""
    if struct.unpack_from("<I", snapshot)[0] != PYODIDE_MAGIC:
        raise ValueError("not a Pyodide memory snapshot")
    image = data_image(wasm)
    raw = PREFIX.pack(MAGIC, len(image), len(snapshot), 0) + image + snapshot.rstrip(b"\0")
    step = -(-len(raw) // FRAMES)
    parts = [raw[i:i + step] for i in range(0, len(raw), step)]
    frames = [_zstd(part) for part in parts]
    table = FRAMED.pack(FRAMED_MAGIC, len(frames)) + b"".join(
        FRAME.pack(len(frame), len(part)) for frame, part in zip(frames, parts, strict=True))
    return table + b"".join(frames)


def unpack(packed: bytes) -> tuple[bytes, bytes]:
    """(data image, Pyodide's snapshot): the inverse, as the page does it; used by the tests."""
    import zstandard

    magic, count = FRAMED.unpack_from(packed)
    if magic != FRAMED_MAGIC:
        raise ValueError("not a packed snapshot")
    at, raw = FRAMED.size + FRAME.size * count, b""
    for k in range(count):
        length, _ = FRAME.unpack_from(packed, FRAMED.size + FRAME.size * k)
        raw += zstandard.ZstdDecompressor().decompress(packed[at:at + length])
        at += length
    magic, image_length, snapshot_length, _ = PREFIX.unpack_from(raw)
    if magic != MAGIC:
        raise ValueError("not a packed snapshot")
    image = raw[PREFIX.size:PREFIX.size + image_length]
    return image, raw[PREFIX.size + image_length:].ljust(snapshot_length, b"\0")


def page_boot_zip(boot: bytes, imported: list[str]) -> bytes:
    """The boot zip without the entries the snapshot has imported (same order, same bytes)."""
    skip = set(imported)
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(boot)) as source, zipfile.ZipFile(out, "w") as z:
        for info in source.infolist():
            if info.filename not in skip:
                z.writestr(info, source.read(info))
    return out.getvalue()


def _cache_key(stdlib_boot: bytes, sources: dict) -> str:
    digest = hashlib.sha256()
    for chunk in (stdlib_boot, json.dumps(sources, sort_keys=True).encode(), *(p.read_bytes() for p in MAKER_SOURCES)):
        digest.update(hashlib.sha256(chunk).digest())
    return digest.hexdigest()[:32]


def make(stdlib_boot: bytes, sources: dict, script: dict, dataset: str) -> tuple[bytes, list[str]]:
    """Pyodide's snapshot, made under Node by snapshot.mjs, and the boot zip's entries it imported."""
    node = os.environ.get("NODE") or shutil.which("node")
    if not node:
        raise RuntimeError("no Node to run Pyodide at build time")
    with tempfile.TemporaryDirectory(prefix="snapshot-") as tmp:
        tmp = Path(tmp)
        (tmp / "stdlib.zip").write_bytes(stdlib_boot)
        (tmp / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
        (tmp / "script.json").write_text(json.dumps(script), encoding="utf-8")
        (tmp / "dataset.txt").write_text(dataset, encoding="utf-8")
        out, modules = tmp / "snapshot.bin", tmp / "modules.json"
        proc = subprocess.run(
            [node, str(MAKER), "--stdlib", str(tmp / "stdlib.zip"), "--sources", str(tmp / "sources.json"),
             "--script", str(tmp / "script.json"), "--dataset", str(tmp / "dataset.txt"),
             "--out", str(out), "--modules", str(modules)],
            cwd=HERE.parents[1], capture_output=True, text=True, timeout=MAKE_TIMEOUT_S,
            env={**os.environ, "TZ": "UTC"})
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip()[-4000:] or f"node exited with {proc.returncode}")
        return out.read_bytes(), json.loads(modules.read_text())


def snapshot_asset(stdlib_boot: bytes, sources: dict, script: dict, dataset: str) -> Snapshot | None:
    """The packed snapshot and what it imported (cached in build-cache/ on everything that decides
    them), or None when this machine cannot make one (no Node): the page then starts Python itself.
    `script` ({filename, source}) and `dataset` (text): the page's default script and data set,
    whose setup the snapshot has run (py/bridge/preload.py)."""
    key = _cache_key(stdlib_boot, {"sources": sources, "script": script, "dataset": dataset})
    cached, listed = CACHE_DIR / f"snapshot-{key}.zst", CACHE_DIR / f"snapshot-{key}.json"
    if cached.exists() and listed.exists():
        return Snapshot(cached.read_bytes(), json.loads(listed.read_text()))
    try:
        snapshot, imported = make(stdlib_boot, sources, script, dataset)
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"no memory snapshot (the page will start Python itself): {exc}", file=sys.stderr)
        return None
    result = Snapshot(pack(snapshot, WASM.read_bytes()), imported)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for path, data in ((listed, json.dumps(imported).encode()), (cached, result.packed)):
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(path)
    return result
