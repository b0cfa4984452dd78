"""Size and boot figures of the built page in headless Chromium over N cold loads (medians),
with stock Pyodide from local files loaded in turn in the same browser as the baseline, and the
references that bound each figure from below, measured in the same run.

    .venv/bin/python bench/boot.py [--runs 5] [--quick] [--file dist/microgpt-guide.html]

Every load is a fresh browser context (no HTTP, V8 or wasm code cache carried over); guide and
baseline loads alternate, so load on a shared machine hits both alike. Times are from
navigation (performance.now()):
- python ready: the worker's Python has the script's setup done (microgptGuide.status.bootMs): the
  default script's was run at build time, in the memory snapshot the page restores (it says so);
- first contentful paint: the browser's own paint entry (the prose);
- every chapter has content: the first animation frame at which each chapter's live area holds
  something other than a "Waiting for Python…" status (whatever the page draws there);
- baseline: stock Pyodide's loadPyodide() + the script's setup (see bench/stock_pyodide.py).
References in the same run (bench/references.py), to read a missed target against: the first
paint of a trivial page and of the guide's prose alone, compiling the wasm from memory, the
chapters' first frame in the guide without its runtime (nothing else for the main thread to
parse), and, in the guide's own loads, when the parser has read the last runtime byte and how
long the script's setup takes once Python is warm (a second `load` of it after ready): what the
ready time is made of (the page parsed, the wasm compiled, Python restored, the setup adopted).
"""

import argparse
import re
import time
from pathlib import Path

import references
import stock_pyodide
from common import (
    DEFAULT_PAGE,
    LONGTASK_OBSERVER,
    ROOT,
    chromium,
    figure,
    median,
    num,
    open_page,
    report,
    runs_text,
    wait_ready,
    wait_until,
)

# Checked once per frame from the very start: the first frame at which every live area shows
# content. A live area's "Waiting for Python…" is a .live-status; an error status counts as
# content (the page said something real), but a waiting one does not while it is displayed.
LIVE_CONTENT_WATCH = """
window.__liveContentMs = null;
window.__liveFilled = {}; // chapter id -> ms of the first frame it had content
(function check() {
  const roots = [...document.querySelectorAll('[data-live]')];
  const filled = (root) => {
    const body = root.querySelector('.live-body') ?? root;
    const waiting = [...root.querySelectorAll('.live-status')]
      .some((s) => s.textContent.startsWith('Waiting') && s.checkVisibility());
    return body.childElementCount > 0 && !waiting;
  };
  const now = performance.now();
  const seen = window.__liveFilled;
  for (const root of roots) if (!(root.dataset.live in seen) && filled(root)) seen[root.dataset.live] = now;
  if (roots.length && roots.every((root) => root.dataset.live in seen)) window.__liveContentMs = now;
  else requestAnimationFrame(check);
})();
"""

# When the parser has read each runtime asset's last piece (the worker cannot have it sooner);
# ready waits for all but the lazy stdlib.
PARSE_WATCH = """
window.__parsed = {};
new MutationObserver((records) => {
  const now = performance.now();
  for (const r of records) for (const n of r.addedNodes) if (n.dataset?.asset) window.__parsed[n.dataset.asset] = now;
}).observe(document, {childList: true, subtree: true});
"""

# The script's setup once more after ready, on a warm Python: the bridge's own work for it. Timed
# once Python is idle (an `eval` answers within 30 ms twice in a row): the chapters' first calls
# (the loss graph, the batch of samples) would otherwise be counted as the setup's.
SETUP_AGAIN = """async ([source, dataset]) => {
  const quick = async () => {
    const t = performance.now();
    await window.microgptGuide.call('eval', {code: '0'});
    return performance.now() - t < 30;
  };
  for (let calm = 0, tries = 0; calm < 2 && tries < 200; tries++) calm = (await quick()) ? calm + 1 : 0;
  const t0 = performance.now();
  await window.microgptGuide.call('load', {source, dataset, filename: 'microgpt.py'});
  return performance.now() - t0;
}"""

COLLECT = """() => {
  const paint = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint');
  const stages = {};
  for (const li of document.querySelectorAll('#boot-stages li')) {
    stages[li.dataset.stage] = li.querySelector('.stage-time')?.textContent ?? '';
  }
  return {fcpMs: paint ? paint.startTime : null, liveMs: window.__liveContentMs, filled: window.__liveFilled,
          longTasks: window.__longTasks.map((t) => t.duration), stages,
          parsedMs: Math.max(0, ...Object.entries(window.__parsed ?? {})
            .filter(([name]) => name !== 'python_stdlib_lazy.zip').map(([, ms]) => ms))};
}"""


def measure_guide(browser, url, setup=None):
    """One cold load of the guide; with `setup` ((script, data set)), also its setup run again."""
    context, page = open_page(browser, url, init_scripts=(LONGTASK_OBSERVER, LIVE_CONTENT_WATCH, PARSE_WATCH))
    try:
        status = wait_ready(page)
        # The live areas may fill after ready (sections draw one per task): wait a while; a chapter
        # that never fills leaves the figure unmeasured (None), reported as an error.
        wait_until(page, "() => window.__liveContentMs !== null", timeout=30, required=False)
        result = page.evaluate(COLLECT)
        result["setupAgainMs"] = page.evaluate(SETUP_AGAIN, list(setup)) if setup else None
    finally:
        context.close()
    result["readyMs"] = status["bootMs"]
    return result


def stage_ms(text):
    """A stage's time as the page prints it ("0.84 s", "840 ms") in ms, or None."""
    match = re.search(r"([\d.]+)\s*(ms|s)\b", text or "")
    return float(match.group(1)) * (1000 if match.group(2) == "s" else 1) if match else None


def frame_without_runtime(browser, url):
    """ms until every chapter has content in the guide without its runtime (the first frame only)."""
    context, page = open_page(browser, url, init_scripts=(LIVE_CONTENT_WATCH,))
    try:
        return wait_until(page, "() => window.__liveContentMs", timeout=30, every=0.02, required=False)
    finally:
        context.close()


def chapter_medians(guide):
    """{chapter id: median ms until it had content}, slowest first."""
    ids = {c for r in guide for c in r["filled"]}
    medians = {c: median([r["filled"].get(c) for r in guide]) for c in ids}
    return dict(sorted(medians.items(), key=lambda item: -(item[1] or 0)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="cold loads of each page")
    parser.add_argument("--quick", action="store_true", help="two loads of each (a smoke run)")
    parser.add_argument("--file", type=Path, default=DEFAULT_PAGE)
    args = parser.parse_args()
    runs = 2 if args.quick else args.runs
    size = args.file.stat().st_size
    guide, stock, refs = [], [], {"trivial": [], "prose": [], "compile": [], "frame": []}
    setup = (ROOT / "py" / "microgpt.py").read_text(encoding="utf-8"), \
        (ROOT / "py" / "data" / "names.txt").read_text(encoding="utf-8")
    with (chromium() as browser, stock_pyodide.serve() as (stock_url, setup_lines),
          references.pages(args.file) as (trivial_url, prose_url, frame_url)):
        measure_guide(browser, args.file.resolve().as_uri())  # warm the OS file cache; not counted
        stock_pyodide.measure(browser, stock_url)
        for _ in range(runs):
            guide.append(measure_guide(browser, args.file.resolve().as_uri(), setup))
            time.sleep(0.2)
            stock.append(stock_pyodide.measure(browser, stock_url))
            time.sleep(0.2)
            refs["trivial"].append(references.first_paint(browser, trivial_url))
            refs["prose"].append(references.first_paint(browser, prose_url))
            refs["compile"].append(references.wasm_compile(browser, stock_url))
            refs["frame"].append(frame_without_runtime(browser, frame_url))

    ready = [r["readyMs"] for r in guide]
    fcp = [r["fcpMs"] for r in guide]
    live = [r["liveMs"] for r in guide]
    longest = [max(r["longTasks"], default=0) for r in guide]
    base_ready = [r["readyMs"] for r in stock]
    base_load = [r["loadMs"] for r in stock]
    parsed = [r["parsedMs"] for r in guide]
    python = [stage_ms(r["stages"].get("python")) for r in guide]
    setup_ms = [stage_ms(r["stages"].get("setup")) for r in guide]
    compiled = [stage_ms(r["stages"].get("compile")) for r in guide]
    again = [r["setupAgainMs"] for r in guide]
    print(f"file size               {size / 1e6:6.2f} MB  ({size:,} bytes)")
    print(f"python ready            {median(ready):6.0f} ms median  (runs: {runs_text(ready)})")
    print(f"  stock Pyodide ready   {median(base_ready):6.0f} ms median  (runs: {runs_text(base_ready)}; "
          f"loadPyodide alone {median(base_load):.0f} ms; setup = script lines {setup_lines[0]}-{setup_lines[1]})")
    print(f"  guide / stock         {median(ready) / median(base_ready):6.2f}x")
    print(f"first paint (FCP)       {median(fcp):6.0f} ms median  (runs: {runs_text(fcp)})")
    print(f"every chapter content   {num(median(live)):>6} ms median  (runs: {runs_text(live)})")
    slowest = [f"{c} {num(ms)} ms" for c, ms in chapter_medians(guide).items()]
    print(f"  each chapter, slowest first: {', '.join(slowest)}")
    print(f"longest main task       {median(longest):6.0f} ms median  (runs: {runs_text(longest)}; "
          f"tasks > 50 ms in all runs: {sum(len(r['longTasks']) for r in guide)})")
    for stage in ("decode", "compile", "python", "setup"):
        print(f"  stage {stage:<8}        " + ", ".join(r["stages"].get(stage, "?") for r in guide))
    print("what ready is made of (same loads):")
    for label, values in (("the runtime's boot part parsed (from navigation)", parsed),
                          ("the wasm compiled (stage compile, from the boot)", compiled),
                          ("Python restored or started (stage python)", python),
                          ("the setup, or taking it from the snapshot (setup)", setup_ms),
                          ("the same setup again, Python warm", again)):
        print(f"  {label:<48} {num(median(values)):>5} ms median  (runs: {runs_text(values)})")
    print("references (same browser, same run):")
    print(f"  first paint, a trivial page        {num(median(refs['trivial'])):>6} ms median  "
          f"(runs: {runs_text(refs['trivial'])})")
    print(f"  first paint, the guide's prose only {num(median(refs['prose'])):>5} ms median  "
          f"(runs: {runs_text(refs['prose'])}; no script, data or runtime)")
    print(f"  every chapter content, the guide without its runtime {num(median(refs['frame'])):>5} ms median  "
          f"(runs: {runs_text(refs['frame'])}; the first frame, no runtime to parse)")
    print(f"  compiling the wasm from memory     {num(median(refs['compile'])):>6} ms median  "
          f"(runs: {runs_text(refs['compile'])})")

    mr, mb = median(ready), median(base_ready)
    floor = (f"floor in this run: the runtime's boot part parsed at {num(median(parsed))} ms, the wasm compiled "
             f"{num(median(compiled))} ms after the worker's start, Python restored in {num(median(python))} ms, "
             f"the setup taken from the snapshot in {num(median(setup_ms))} ms (run again once Python is warm: "
             f"{num(median(again))} ms)")
    report("boot.py", [
        figure("page size", size / 1e6, 10.0, "<=", "MB", f"{size:,} bytes"),
        figure("Python ready (setup done), file://", mr / 1000, 1.0, "<=", "s", f"runs: {runs_text(ready)}; {floor}"),
        figure("Python ready / stock Pyodide's, same run", mr / mb, 0.25, "<=", "x",
               f"stock Pyodide from local files (loadPyodide + the same setup, localhost http): {mb / 1000:.2f} s "
               f"(runs: {runs_text(base_ready)}); {runs} cold loads each"),
        figure("first contentful paint (prose)", median(fcp), 150, "<=", "ms",
               f"runs: {runs_text(fcp)}; floor: the prose alone {num(median(refs['prose']))} ms, "
               f"a trivial page {num(median(refs['trivial']))} ms"),
        figure("every chapter's live area has content", median(live), 400, "<=", "ms",
               f"runs: {runs_text(live)}; slowest chapters: {', '.join(slowest[:2])}; floor: the same first frame "
               f"without the runtime to parse {num(median(refs['frame']))} ms"),
    ])


if __name__ == "__main__":
    main()
