"""What the bridge finds in each script of the variant corpus (tests/variants), as one table: the
roles it found (and what it says of a missing one), the vocabulary, the parameters, the model's
layers and heads as the outline reads them, the first step's loss through the bridge, and a
sample. Native CPython, the same bridge the page runs; for closing notes and for a quick look
after changing the bridge.

    .venv/bin/python bench/variants_table.py [--only eos_token,value_micrograd]
"""

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "py"))
from bridge.api import Session  # noqa: E402


def load_plain():
    """tests/variants/plain.py: the corpus's own harness (its data files and headers)."""
    spec = importlib.util.spec_from_file_location("plain", ROOT / "tests" / "variants" / "plain.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def call(session, method, **args):
    reply = session.handle(method, args)
    if not reply["ok"]:
        raise RuntimeError(f"{method}: {reply['error'].get('message')}")
    return reply["result"]


def row(plain, path):
    relative, text = plain.data_for(path)
    with tempfile.TemporaryDirectory() as workdir:
        session = Session(emit=lambda *_: None, workdir=workdir)
        t0 = time.perf_counter()
        info = call(session, "load", source=path.read_text(encoding="utf-8"), dataset=text, filename=path.name)
        setup_s = time.perf_counter() - t0
        roles = info["roles"]
        outline = call(session, "outline")
        record = call(session, "step", count=1)[0]
        sample = call(session, "sample", temperature=0.5, seed=1) if roles.get("sampling") else None
    missing = "; ".join(f"{k}: {v}" for k, v in roles["missing"].items()) or "-"
    return {
        "variant": path.stem,
        "data": info["data_file"],
        "vocab": f"{info['vocab']['size']} (bos {info['vocab']['bos']}, eos {info['vocab']['eos']})",
        "params": f"{info['params']['count']:,} in {len(info['params']['layout'])} matrices, output {roles['output']}",
        "layers/heads": f"{outline['layers']['count']}/{outline['layers']['heads']}",
        "step 1 loss": f"{record['loss']:.4f}",
        "sample": (sample or {}).get("text", "-"),
        "missing": missing,
        "setup": f"{setup_s:.1f} s",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated variant names")
    args = parser.parse_args()
    plain = load_plain()
    only = set(filter(None, args.only.split(",")))
    for path in plain.variants():
        if only and path.stem not in only:
            continue
        try:
            print(" | ".join(f"{k}: {v}" for k, v in row(plain, path).items()))
        except Exception as error:  # a row that fails says why; the others still print
            print(f"variant: {path.stem} | FAILED: {type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
