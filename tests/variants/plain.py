"""Run the variant scripts of this folder as plain processes and read the losses they print.

Importable by the tests (no pytest in here). A variant reads its data from a file in its working
directory: `input.txt` holding the project's names list unless its `# guide-test:` header says
otherwise (see README.md in this folder):

    # guide-test: data=data/names.txt source=accents.txt first_loss=microgpt
"""

import os
import re
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VARIANTS_DIR = Path(__file__).resolve().parent
DATA_DIR = VARIANTS_DIR / "data"
ROOT = VARIANTS_DIR.parents[1]
MICROGPT = ROOT / "py" / "microgpt.py"
NAMES = ROOT / "py" / "data" / "names.txt"

HEADER = re.compile(r"^#\s*guide-test:(.*)$", re.MULTILINE)
# `loss` as a word (so not `val_loss`), then the number; the lookahead asks for the character after
# the number, so a number cut in two by a read is not taken before its last digit has come.
LOSS = re.compile(rb"\bloss\b\s*[:=]?\s*(-?\d+\.\d{4,})(?=[^\d])")


def variants():
    """The variant scripts, sorted: every .py file of this folder but this one."""
    return sorted(p for p in VARIANTS_DIR.glob("*.py") if p.name != Path(__file__).name and not p.name.startswith("_"))


def header(path):
    """The `key=value` pairs of the script's `# guide-test:` comment lines (none: {})."""
    text = Path(path).read_text(encoding="utf-8")
    fields = {}
    for match in HEADER.finditer(text):
        for item in match.group(1).split():
            key, sep, value = item.partition("=")
            if not sep or not value:
                raise ValueError(f"{path}: guide-test header item {item!r} is not key=value")
            fields[key] = value
    unknown = set(fields) - {"data", "source", "first_loss", "lacks"}
    if unknown:
        raise ValueError(f"{path}: unknown guide-test header keys {sorted(unknown)}")
    return fields


def data_for(path):
    """(relative path the script reads its data from, text of the data set to put there)."""
    fields = header(path)
    relative = fields.get("data", "input.txt")
    source = DATA_DIR / fields["source"] if "source" in fields else NAMES
    if Path(relative).is_absolute() or ".." in Path(relative).parts:
        raise ValueError(f"{path}: data={relative} must be a path inside the working directory")
    return relative, source.read_text(encoding="utf-8")


def same_first_loss(path):
    """Whether the script's header says its first loss is microgpt.py's (same seed, sizes, data)."""
    return header(path).get("first_loss") == "microgpt"


def lacks(path):
    """The roles the script truly does not have, as its header lists them (`lacks=sample`)."""
    value = header(path).get("lacks")
    return set(value.split(",")) if value else set()


def plain_losses(path, count=5, timeout=120):
    """The first `count` step losses `python -u <script>` prints, as printed (e.g. "3.3660").

    The script runs in a fresh temporary directory holding its data file; it is killed as soon
    as it has printed `count` losses. Raises RuntimeError if it ends (or times out) before.
    """
    path = Path(path).resolve()
    relative, text = data_for(path)
    with tempfile.TemporaryDirectory(prefix="variant-") as tmp:
        data_file = Path(tmp) / relative
        data_file.parent.mkdir(parents=True, exist_ok=True)
        data_file.write_text(text, encoding="utf-8")
        stderr_file = Path(tmp) / "stderr.txt"
        env = dict(os.environ, PYTHONIOENCODING="utf-8")
        with open(stderr_file, "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-u", str(path)], cwd=tmp, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=err, env=env,
            )
        out = b""
        losses = []
        deadline = time.monotonic() + timeout
        try:
            fd = proc.stdout.fileno()
            while len(losses) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RuntimeError(f"{path.name}: {len(losses)} losses after {timeout} s\n{tail(out, stderr_file)}")
                ready, _, _ = select.select([fd], [], [], remaining)
                if not ready:
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    proc.wait()
                    out += b"\n"  # the last number, if the output ended right after it
                    losses = [m.group(1).decode() for m in LOSS.finditer(out)]
                    if len(losses) >= count:
                        break
                    raise RuntimeError(
                        f"{path.name}: exited with {proc.returncode} after {len(losses)} losses\n"
                        f"{tail(out, stderr_file)}"
                    )
                out += chunk
                losses = [m.group(1).decode() for m in LOSS.finditer(out)]
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()
    return losses[:count]


def tail(out, stderr_file, chars=2000):
    """The end of the script's output and of its stderr, for an error message."""
    text = out.decode("utf-8", "replace").replace("\r", "\n")[-chars:]
    err = stderr_file.read_text(encoding="utf-8", errors="replace")[-chars:]
    return f"--- stdout (end) ---\n{text}\n--- stderr (end) ---\n{err}"


if __name__ == "__main__":
    # python tests/variants/plain.py [script ...]: the first 5 losses of each variant (and of microgpt.py).
    paths = [Path(a) for a in sys.argv[1:]] or [MICROGPT, *variants()]
    for p in paths:
        start = time.monotonic()
        print(f"{p.name:32s} {' '.join(plain_losses(p))}  ({time.monotonic() - start:.1f} s)", flush=True)
