"""Train the default script natively (CPython) and keep checkpoints the page can jump to.

    PYTHONPATH=py python -m builder.checkpoints [--out DIR]      (`make checkpoints`, ~5 min)

It drives py/microgpt.py through the same bridge the worker uses (Session: load, step,
checkpoint_export), so a checkpoint is exactly what the page itself would hold after N steps,
only computed ahead of time. It writes into py/checkpoints/:
  step-NNNN.ckpt   bridge/checkpoint.py blobs (params data, Adam m and v, steps done)
  steps.json       per step (step k at index k-1): loss, lr_t and document, for the page's curves
  manifest.json    what produced them: script and data set sha256, Python version, file names
The build embeds them only for the script and data set the manifest names (see `embeddable`).
"""

import argparse
import hashlib
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

from builder import compress
from builder.embed import json_for_html, script_block
from builder.paths import DEFAULT_DATASET, DEFAULT_SCRIPT, PY_DIR

CHECKPOINT_DIR = PY_DIR / "checkpoints"
MANIFEST = "manifest.json"
STEPS_FILE = "steps.json"
CHECKPOINT_STEPS = (0, 100, 300, 1000)


def checkpoint_name(step: int) -> str:
    return f"step-{step:04d}.ckpt"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_session(script_text: str, dataset_text: str, workdir: str):
    """A bridge Session with the script loaded (setup run), as the worker makes it."""
    from bridge.api import Session

    session = Session(workdir=workdir)
    _ok(session.handle("load", {"source": script_text, "dataset": dataset_text}))
    return session


def export_blob(session) -> bytes:
    # Without the random state (MGPTCKP1): the page imports it into a fresh setup, whose stream
    # is where the script's training leaves it (microgpt's training draws no random numbers).
    return bytes(_ok(session.handle("checkpoint_export", {"with_random": False}))["blob"])


def step_records(session, count: int) -> list[dict]:
    return _ok(session.handle("step", {"count": count}))


def generate(out_dir: Path, script: Path = DEFAULT_SCRIPT, dataset: Path = DEFAULT_DATASET,
             steps=CHECKPOINT_STEPS, log=print) -> dict:
    script_text = script.read_text(encoding="utf-8")
    dataset_bytes = dataset.read_bytes()
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    files = {}
    per_step = []
    with tempfile.TemporaryDirectory(prefix="microgpt-ckpt-") as workdir:
        session = new_session(script_text, dataset_bytes.decode("utf-8"), workdir)
        for target in sorted(steps):
            while len(per_step) < target:
                records = step_records(session, 1)
                if not records:
                    raise SystemExit(f"the training loop ended after {len(per_step)} steps")
                record = records[0]
                per_step.append({k: record.get(k) for k in ("loss", "lr_t", "doc")})
                if len(per_step) % 50 == 0:
                    log(f"step {len(per_step)} loss {per_step[-1]['loss']:.4f} "
                        f"({time.perf_counter() - started:.0f} s)")
            name = checkpoint_name(target)
            (out_dir / name).write_bytes(export_blob(session))
            files[str(target)] = name
    (out_dir / STEPS_FILE).write_text(json.dumps({
        key: [s[key] for s in per_step] for key in ("loss", "lr_t", "doc")
    }), encoding="utf-8")
    manifest = {
        "script": {"filename": script.name, "sha256": sha256_text(script_text)},
        "dataset": {"filename": dataset.name, "sha256": sha256_bytes(dataset_bytes)},
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "steps": sorted(steps),
        "files": files,
        "steps_file": STEPS_FILE,
    }  # no timings or dates: the same script and data set must give the same files
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def read_manifest(directory: Path | None = None) -> dict | None:
    path = (directory or CHECKPOINT_DIR) / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def embeddable(script_text: str, dataset_bytes: bytes, directory: Path | None = None) -> dict | None:
    """What the page gets, or None: only when this script and data set are the manifest's.

    {manifest, steps: gzip+base64 of steps.json, checkpoints: {"N": gzip+base64 blob}}. The sha
    check is the reason the page may say "computed by this same script": any other pair gets nothing.
    """
    directory = directory or CHECKPOINT_DIR
    manifest = read_manifest(directory)
    if manifest is None:
        return None
    if (manifest["script"]["sha256"] != sha256_text(script_text)
            or manifest["dataset"]["sha256"] != sha256_bytes(dataset_bytes)):
        return None
    steps = compress.gzip_base64((directory / manifest["steps_file"]).read_bytes())
    blobs = {n: compress.gzip_base64((directory / name).read_bytes()) for n, name in manifest["files"].items()}
    return {"manifest": manifest, "steps": steps, "checkpoints": blobs}


def html_block(script_text: str, dataset_bytes: bytes) -> str:
    """The page's `checkpoints` block, or "" (then the page offers no jump)."""
    embedded = embeddable(script_text, dataset_bytes)
    if embedded is None:
        return ""
    attrs = {"data-embedded": "checkpoints"}
    return script_block(None, json_for_html(embedded), type_="application/json", attrs=attrs)


def _ok(reply: dict):
    if not reply["ok"]:
        error = reply["error"]
        raise SystemExit(f"bridge error ({error['phase']}): {error['message']}\n{error['traceback']}")
    return reply["result"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=CHECKPOINT_DIR)
    parser.add_argument("--script", type=Path, default=DEFAULT_SCRIPT)
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    args = parser.parse_args()
    started = time.perf_counter()
    manifest = generate(args.out, args.script, args.dataset)
    sizes = sum((args.out / name).stat().st_size for name in manifest["files"].values())
    print(f"wrote {len(manifest['files'])} checkpoints ({sizes / 1e3:.0f} kB) to {args.out} "
          f"in {time.perf_counter() - started:.0f} s with {manifest['python']} ({sys.platform})")


if __name__ == "__main__":
    main()
