"""The page's first frame, computed at build time: what the chapters need before the worker is up.

The worker takes seconds to start Python; the prose is there at once. So the build runs the
same script with the same bridge in the same Pyodide, with the page's own standard library
(under Node: first_frame.mjs) and records the `load` info and the answers to the calls the
sections make for their first frame (each chapter declares them in js/sections/*/first-calls.js,
the script panel in js/editor/script-first-calls.js: modules the page imports too). The page shows those, marked as
computed ahead from this same script, until the live worker is ready and the sections redraw
from it (js/first-frame.js).

Pyodide rather than the build's CPython: another CPython and another libm may round exp/log/cos
differently in the last bit, and the recording must be what the worker returns, bit for bit.

    first_frame_block(script_text, filename, dataset_bytes, dataset_block, sources, stdlib) -> str | None

returns the text of the page's `first-frame` block (JSON: {fingerprint, data}: data is the packed
recording, gzip+base64), or None when it cannot be made for a reason of the build machine's (no
Node): the page then simply waits for the worker, as it would without it. A script whose setup
fails in the page's Python (an import the page lacks, an exception, a syntax error) or does not
end raises ScriptSetupError: a page built from it would never start, so the build refuses it.
Results are cached in build-cache/ keyed on everything that decides them.
"""

import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from builder import compress
from builder.embed import json_for_html
from builder.paths import CACHE_DIR, JS_DIR, PYODIDE_DIR
from builder.stdlib import StdlibZips

HERE = Path(__file__).resolve().parent
RECORDER = HERE / "first_frame.mjs"
# The chapters' declarations of their first calls, in a stable order.
FIRST_CALLS = tuple(sorted(JS_DIR.glob("**/*first-calls.js")))
# A script whose setup never ends must not hang the build (the recording takes ~10-40 s).
RECORD_TIMEOUT_S = 300
# Everything besides the inputs that decides the recording's bytes.
RECORDER_SOURCES = (RECORDER, *FIRST_CALLS, HERE / "first_frame.py", JS_DIR / "worker" / "session.js",
                    JS_DIR / "worker" / "lazy-stdlib.js", JS_DIR / "first-frame-codec.js",
                    PYODIDE_DIR / "package.json")
# first_frame.mjs's exit status when the script's setup failed (it writes the error as JSON).
SETUP_FAILED = 3


class ScriptSetupError(Exception):
    """The page's Python could not run the script's setup: a page built from it would never start."""


def setup_failure(filename: str, error: dict) -> str:
    """What the build says when it refuses a script: the error's type, message and line, its
    traceback, and why the build stops."""
    where = f" (line {error['line']})" if error.get("line") else ""
    text = [f"the page's Python could not run the setup of {filename}, so a page built from it "
            f"would never start:",
            f"  {error.get('type', 'Error')}{where}: {error.get('message', '')}"]
    traceback = (error.get("traceback") or "").rstrip()
    if traceback:
        text += ["", *("  " + line for line in traceback.splitlines())]
    text += ["", f"(the build ran it as the page would: Pyodide {_pyodide_version()}, with the page's "
                 f"standard library, under Node)"]
    return "\n".join(text)


def _pyodide_version() -> str:
    return json.loads((PYODIDE_DIR / "package.json").read_text())["version"]


def fingerprint(script_text: str, filename: str, dataset_block: str) -> str:
    """What the page checks before it uses the recording: the script and the data-set block it
    boots the worker with. Two 32-bit FNV-1a hashes (different offsets) over UTF-16 code units,
    so js/first-frame.js computes the same with plain string indexing."""
    text = f"{filename}\0{script_text}\0{dataset_block}".encode("utf-16-le")
    units = [int.from_bytes(text[i:i + 2], "little") for i in range(0, len(text), 2)]
    return "".join(f"{_fnv1a(units, seed):08x}" for seed in (0x811C9DC5, 0x01000193))


def _fnv1a(units: list[int], h: int) -> int:
    for unit in units:
        h = ((h ^ unit) * 0x01000193) & 0xFFFFFFFF
    return h


def _cache_key(script_text: str, filename: str, dataset_bytes: bytes, sources: dict, stdlib: StdlibZips) -> str:
    digest = hashlib.sha256()
    for chunk in (script_text.encode(), filename.encode(), dataset_bytes,
                  json.dumps(sources, sort_keys=True).encode(), stdlib.boot, stdlib.lazy,
                  *(path.read_bytes() for path in RECORDER_SOURCES)):
        digest.update(hashlib.sha256(chunk).digest())
    return digest.hexdigest()[:32]


def record(script_text: str, filename: str, dataset_bytes: bytes, sources: dict, stdlib: StdlibZips) -> bytes:
    """Run the recorder in Pyodide under Node; returns the packed recording. ScriptSetupError
    when the script's setup fails or does not end there."""
    with tempfile.TemporaryDirectory(prefix="first-frame-") as tmp:
        tmp = Path(tmp)
        (tmp / "script.py").write_text(script_text, encoding="utf-8")
        (tmp / "dataset.txt").write_bytes(dataset_bytes)
        (tmp / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
        (tmp / "stdlib.zip").write_bytes(stdlib.boot)
        # Compressed as the page hands it to Python (its finder inflates a gzip stream).
        (tmp / "stdlib-lazy.zip.gz").write_bytes(gzip.compress(stdlib.lazy, compresslevel=1, mtime=0))
        out, error = tmp / "recording.bin", tmp / "error.json"
        try:
            proc = subprocess.run(
                ["node", str(RECORDER), "--sources", str(tmp / "sources.json"), "--script", str(tmp / "script.py"),
                 "--filename", filename, "--dataset", str(tmp / "dataset.txt"),
                 *(arg for path in FIRST_CALLS for arg in ("--first-calls", str(path))),
                 "--stdlib", str(tmp / "stdlib.zip"), "--lazy", str(tmp / "stdlib-lazy.zip.gz"),
                 "--error", str(error), "--out", str(out)],
                cwd=HERE.parents[1], capture_output=True, text=True, timeout=RECORD_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            raise ScriptSetupError(
                f"the setup of {filename} did not end within {RECORD_TIMEOUT_S} s in the page's Python "
                f"(Pyodide {_pyodide_version()} under Node), so a page built from it would never start"
            ) from None
        if proc.returncode == SETUP_FAILED and error.exists():
            raise ScriptSetupError(setup_failure(filename, json.loads(error.read_text())))
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip() or f"node exited with {proc.returncode}")
        return out.read_bytes()


def first_frame_block(script_text: str, filename: str, dataset_bytes: bytes, dataset_block: str,
                      sources: dict, stdlib: StdlibZips) -> str | None:
    key = _cache_key(script_text, filename, dataset_bytes, sources, stdlib)
    cached = CACHE_DIR / f"first-frame-{key}.b64"
    if cached.exists():
        data = cached.read_text()
    else:
        try:
            packed = record(script_text, filename, dataset_bytes, sources, stdlib)
        except (OSError, RuntimeError) as exc:  # the build machine's problem: the page waits for the worker
            print(f"first frame not recorded (the page will wait for Python): {exc}", file=sys.stderr)
            return None
        data = compress.gzip_base64(packed)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(data)
        partial.replace(cached)  # a concurrent build never reads half a file
    return json_for_html({"fingerprint": fingerprint(script_text, filename, dataset_block), "data": data})
