"""Boot figures of the built page in headless Chromium, over N cold loads (medians).

    .venv/bin/python bench/boot.py [--runs 5] [--file dist/microgpt-guide.html]

Prints: file size; Python ready (the script's setup done) from navigation; first contentful
paint; each boot stage; the longest main-thread task during boot. Machines here are shared and
noisy, so every figure is a median of cold loads made in one run, and nothing is asserted.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# Registered before any page script runs, so long tasks during boot are all seen.
LONGTASK_OBSERVER = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push(e.duration);
}).observe({type: 'longtask', buffered: true});
"""

MEASURE = """async () => {
  while (!window.microgptGuide || window.microgptGuide.status.state === 'booting') {
    await new Promise((r) => setTimeout(r, 20));
  }
  const paint = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint');
  const stages = {};
  for (const li of document.querySelectorAll('#boot-stages li')) {
    stages[li.dataset.stage] = li.querySelector('.stage-time').textContent;
  }
  return {
    state: window.microgptGuide.status.state,
    readyMs: window.microgptGuide.status.bootMs,
    fcpMs: paint ? paint.startTime : null,
    longTasks: window.__longTasks,
    stages,
  };
}"""


def measure(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_init_script(LONGTASK_OBSERVER)
    page = context.new_page()
    page.goto(url)
    result = page.evaluate(MEASURE)
    context.close()
    if result["state"] != "ready":
        raise SystemExit(f"the page did not boot: {result}")
    return result


def median(values):
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--file", type=Path, default=ROOT / "dist" / "microgpt-guide.html")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    size = args.file.stat().st_size
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        measure(browser, args.file.as_uri())  # warm the OS file cache; not counted
        runs = []
        for _ in range(args.runs):
            runs.append(measure(browser, args.file.as_uri()))
            time.sleep(0.2)
        browser.close()

    ready = [r["readyMs"] for r in runs]
    fcp = [r["fcpMs"] for r in runs if r["fcpMs"] is not None]
    longest = [max(r["longTasks"], default=0) for r in runs]
    print(f"file size            {size / 1e6:6.2f} MB  ({size:,} bytes)")
    print(f"python ready         {median(ready):6.0f} ms median  (runs: {', '.join(f'{x:.0f}' for x in ready)})")
    print(f"first paint (FCP)    {median(fcp):6.0f} ms median  (runs: {', '.join(f'{x:.0f}' for x in fcp)})")
    print(f"longest main task    {median(longest):6.0f} ms median  (runs: {', '.join(f'{x:.0f}' for x in longest)}; "
          f"tasks > 50 ms in all runs: {sum(len(r['longTasks']) for r in runs)})")
    for stage in ("decode", "compile", "python", "setup"):
        print(f"  stage {stage:<8}     " + ", ".join(r["stages"][stage] for r in runs))


if __name__ == "__main__":
    main()
