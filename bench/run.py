"""Every benchmark of the guide in one run (`make bench`), ending in one table: each figure,
what was measured, its target, PASS or FAIL.

    .venv/bin/python bench/run.py [--quick] [--runs 5] [--steps 30] [--rounds 2] [--trials 12]
                                  [--file dist/microgpt-guide.html] [--only boot.py ...]

Each part is its own script and runs alone too; each prints its readable figures, then one
machine-readable line (see bench/common.py) that this collects:
- boot.py         size; Python ready vs stock Pyodide; first paint; every chapter's content
- bridge_step.py  what observing a step through the bridge adds (native CPython)
- train_speed.py  page step vs native CPython; steps/s with every chapter visible (in turn) vs hidden;
                  long tasks while training
- roundtrip.py    forward trace of one position; slider-driven autograd update
- restart.py      Stop during an endless run -> a fresh Python ready (issue 7)
- runs.py         switch runs, rewind 500 steps, a run's bytes in IndexedDB and in a download (issue "Runs")
- engines.py      Python ready in Firefox ESR and WebKitGTK (the cross-engine scenario's drivers)
All figures are medians (or ratios of medians) measured side by side in this one invocation:
these machines are shared and noisy, so the load average is printed before and after. The
exit code is nonzero only when a script fails, never for a FAIL. A full run takes ~5 minutes on
a quiet 2-core machine (17 minutes at a load average of 12-22); --quick is a smoke run of a few
minutes whose figures are rough.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from common import CHROMIUM, DEFAULT_PAGE, RESULT_TAG

HERE = Path(__file__).resolve().parent
SCRIPTS = ("boot.py", "bridge_step.py", "train_speed.py", "roundtrip.py", "restart.py", "engines.py", "runs.py")


def script_args(script, args):
    """The options of run.py that each script takes (--quick sets its own small sizes)."""
    page = [] if script == "bridge_step.py" else ["--file", str(args.file)]
    if args.quick:
        if script == "runs.py":
            return [*page, "--switches", "2"]
        return [*page, "--runs", "1"] if script in ("restart.py", "engines.py") else ["--quick", *page]
    sizes = {"boot.py": ["--runs", str(args.runs)], "bridge_step.py": [], "restart.py": [], "engines.py": [],
             "runs.py": [],
             "train_speed.py": ["--steps", str(args.steps), "--rounds", str(args.rounds)],
             "roundtrip.py": ["--trials", str(args.trials)]}
    return page + sizes[script]


def run(script, extra):
    """Runs one script, echoing its output; (figures or None, seconds)."""
    print(f"\n== {script} {' '.join(extra)}", flush=True)
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(HERE / script), *extra], stdout=subprocess.PIPE, text=True)
    figures = None
    for line in proc.stdout:
        if line.startswith(RESULT_TAG):
            figures = json.loads(line[len(RESULT_TAG):])["figures"]
        else:
            print(line, end="", flush=True)
    if proc.wait() != 0:
        figures = None
    return figures, time.monotonic() - started


def show(value, unit):
    if value is None:
        return "—"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "%":
        return f"{value:.1f} %"
    if unit == "ms":
        return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
    return f"{value:.2f} {unit}"


def verdict(f):
    if f["measured"] is None:
        return "ERROR"
    if f["target"] is None:  # measured for the record; no issue sets a target for it
        return "—"
    ok = f["measured"] <= f["target"] if f["op"] == "<=" else f["measured"] >= f["target"]
    return "PASS" if ok else "FAIL"


def target_text(f):
    return "—" if f["target"] is None else f"{f['op']} {show(f['target'], f['unit'])}"


def table(rows):
    head = ("figure", "measured", "target", "result", "detail")
    widths = [max(len(str(r[i])) for r in (head, *rows)) for i in range(4)]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]  # noqa: E731
    print(line(head))
    print("  ".join("-" * w for w in widths) + "  " + "-" * 6)
    for r in rows:
        print(line(r))


def load():
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def chromium_version():
    try:
        return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError as e:
        return f"? ({e})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer loads, steps and trials")
    parser.add_argument("--runs", type=int, default=5, help="cold loads of each page (boot.py)")
    parser.add_argument("--steps", type=int, default=30, help="training steps per run (train_speed.py)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of native + 3 page configurations")
    parser.add_argument("--trials", type=int, default=12, help="round trips of each explorer (roundtrip.py)")
    parser.add_argument("--file", type=Path, default=DEFAULT_PAGE, help="the built page")
    parser.add_argument("--only", nargs="+", choices=SCRIPTS, help="run only these scripts")
    args = parser.parse_args()
    if not args.file.exists():
        sys.exit(f"{args.file} does not exist: build it first (make build)")

    command = shlex.join([os.path.relpath(sys.executable), os.path.relpath(__file__), *sys.argv[1:]])
    print(f"command: {command}")
    print(f"page: {args.file}  ({time.strftime('%Y-%m-%d %H:%M:%S %Z')})")
    print(f"python {sys.version.split()[0]}; {chromium_version()}; {os.cpu_count()} CPUs; load average {load()}")
    rows, failed = [], []
    started = time.monotonic()
    for script in args.only or SCRIPTS:
        figures, seconds = run(script, script_args(script, args))
        print(f"-- {script}: {seconds:.0f} s, load average {load()}", flush=True)
        if figures is None:
            failed.append(script)
            rows.append((f"({script} failed)", "—", "—", "ERROR", "see its output above"))
            continue
        for f in figures:
            rows.append((f["name"], show(f["measured"], f["unit"]), target_text(f),
                         verdict(f), f["detail"]))

    print(f"\n== Results ({time.monotonic() - started:.0f} s; load average at the end {load()})")
    print(f"command: {command}\n")
    table(rows)
    passed = sum(r[3] == "PASS" for r in rows)
    print(f"\n{passed} of {len(rows)} figures meet their targets.")
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
