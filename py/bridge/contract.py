"""CONTRACT.md's method table, written from the method registry (bridge/methods.py).

    PYTHONPATH=py python -m bridge.contract --write   # rewrite the table in CONTRACT.md
    PYTHONPATH=py python -m bridge.contract           # exit 1 if the file is stale

The table sits between two marker lines; the rest of the file is prose kept by hand.
"""

import sys
from pathlib import Path

from . import api  # noqa: F401  (importing it registers Session's handlers)
from .methods import METHODS, WORKER

CONTRACT = Path(__file__).resolve().parent / "CONTRACT.md"
BEGIN = "<!-- methods: written by `python -m bridge.contract --write` from bridge/methods.py -->"
END = "<!-- end of methods -->"


def table():
    """The markdown table: one row per method, Session's in the order they are declared, then
    the worker's."""
    rows = ["| method | args | result | notes |", "|---|---|---|---|"]
    for m in sorted(METHODS.values(), key=lambda m: m.runs_in == WORKER):
        notes = [note for note, on in (("changes the model", m.changes_model),
                                       ("streams", m.streams),
                                       ("run by the worker", m.runs_in == WORKER)) if on]
        cells = [f"`{m.name}`", f"`{m.args_text()}`", m.returns, ", ".join(notes)]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows)


def written(text):
    """`text` (CONTRACT.md) with the table between its markers replaced by the current one."""
    head, found, rest = text.partition(BEGIN + "\n")
    middle, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise ValueError(f"{CONTRACT.name} lacks the marker lines {BEGIN!r} ... {END!r}")
    return head + BEGIN + "\n" + table() + "\n" + END + tail


def main(argv):
    text = CONTRACT.read_text(encoding="utf-8")
    fresh = written(text)
    if "--write" in argv:
        CONTRACT.write_text(fresh, encoding="utf-8")
        return 0
    if fresh != text:
        print(f"{CONTRACT} is stale: run `PYTHONPATH=py python -m bridge.contract --write`",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
