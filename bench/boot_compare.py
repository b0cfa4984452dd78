"""Boot two or more builds of the page in turn, in the same Chromium, and compare their medians.

    .venv/bin/python bench/boot_compare.py A.html B.html [C.html ...] [--runs 9] [--eval CODE]

Each round loads every file once, in a fresh context (cold caches), in an order that rotates
from round to round, so that load on a shared machine and any warming hit every build alike.
Per file it prints the size, the median time to "Python ready" (the script's setup done,
microgptGuide.status.bootMs) and the boot stages' medians; per pair with the first file, the
median of the paired differences (same round). --eval also runs one `eval` call after ready and
reports the median of its result when that is a number: e.g. Python's own timing of an import
outside the boot zip (`import time; t = time.perf_counter(); import email; (time.perf_counter() - t) * 1000`).
"""

import argparse
import re
import time
from pathlib import Path

from common import chromium, median, open_page, runs_text, wait_ready

STAGES = """() => Object.fromEntries([...document.querySelectorAll('#boot-stages li')]
  .map((li) => [li.dataset.stage, li.querySelector('.stage-time')?.textContent ?? '']))"""

EVAL = """async (code) => ({answer: await window.microgptGuide.call('eval', {code}).then(
  (result) => ({result}), (error) => ({error}))})"""


def seconds(text):
    """A stage's time as the page prints it ("0.84 s", "840 ms") in ms, or None."""
    match = re.search(r"([\d.]+)\s*(ms|s)\b", text or "")
    if not match:
        return None
    return float(match.group(1)) * (1000 if match.group(2) == "s" else 1)


def load_once(browser, path, code):
    context, page = open_page(browser, path.resolve().as_uri())
    try:
        status = wait_ready(page)
        result = {"ready": status["bootMs"], "stages": {k: seconds(v) for k, v in page.evaluate(STAGES).items()}}
        if code:
            answer = page.evaluate(EVAL, code)["answer"]
            try:
                result["eval"] = float(answer["result"]["repr"])
            except (KeyError, TypeError, ValueError):
                raise SystemExit(f"--eval did not give a number: {answer}") from None
        return result
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=9, help="rounds (each loads every file once)")
    parser.add_argument("--eval", default="", help="Python to time with one eval call after ready")
    args = parser.parse_args()
    results = {f: [] for f in args.files}
    with chromium() as browser:
        for f in args.files:
            load_once(browser, f, "")  # warm the OS file cache; not counted
        for round_ in range(args.runs):
            shift = round_ % len(args.files)
            for f in args.files[shift:] + args.files[:shift]:
                results[f].append(load_once(browser, f, args.eval))
                time.sleep(0.2)
    first = args.files[0]
    for f in args.files:
        ready = [r["ready"] for r in results[f]]
        print(f"{f}: {f.stat().st_size / 1e6:.2f} MB; python ready median {median(ready):.0f} ms "
              f"(runs: {runs_text(ready)})")
        stages = sorted({s for r in results[f] for s in r["stages"]})
        print("   stages: " + ", ".join(f"{s} {median([r['stages'].get(s) for r in results[f]]):.0f} ms"
                                      for s in stages if median([r['stages'].get(s) for r in results[f]])))
        if args.eval:
            evals = [r["eval"] for r in results[f]]
            print(f"   eval: median {median(evals):.0f} (runs: {runs_text(evals)})")
        if f is not first:
            diffs = [b["ready"] - a["ready"] for a, b in zip(results[first], results[f], strict=True)]
            print(f"   paired difference to {first.name}: median {median(diffs):+.0f} ms (runs: {runs_text(diffs)})")


if __name__ == "__main__":
    main()
