"""Training speed in the page vs the plain script in native CPython, and what drawing costs it.

    .venv/bin/python bench/train_speed.py [--steps 30] [--rounds 2] [--quick] [--file ...]

Each round runs, in turn (machines here are shared and noisy, so all are medians of the same
run and the browser configurations rotate between rounds):
- native: `py/microgpt.py` whole, in this CPython, unobserved; a step is the gap between two
  of its own "step N" prints (bench/bridge_step.py's clock);
- the page trains steps 1..N from a fresh load, started with its own "100 steps" button (the
  training chapter's stream, as fast as it goes) and paused after N. A step's time is the gap
  between the arrival of two step records at the page (timestamped by a listener on the
  worker's messages, so the page's own code is untouched). Four configurations:
  - reader: 1440x900, the training chapter on screen (the ratio to native uses this one);
  - every chapter in turn: 1440x900, the window moves to the next chapter every 0.6 s while
    training runs, so every chapter is on screen and redraws for part of the run (the target);
  - whole page at once: the viewport as tall as the whole document (a stress case, printed
    beside the target: no screen shows the whole page at once);
  - hidden: headless Chromium keeps every page "visible" (minimising its window or opening a
    tab in front changes nothing), so a hidden tab is emulated as Chromium treats one: no
    animation frames (requestAnimationFrame never calls back), nothing rendered (the root
    element is display:none), document.hidden true. The page's scripts still receive and
    handle every step record.
Both run steps 2..N of the same seeded run, so each browser step has a native twin (same
document). Long tasks (PerformanceObserver 'longtask', the whole page) are counted from the
click to the pause in the reader and every-chapter-in-turn configurations.
"""

import argparse
import time
from pathlib import Path

from bridge_step import plain_step_times
from common import (
    DEFAULT_PAGE,
    LONGTASK_OBSERVER,
    chromium,
    figure,
    median,
    open_page,
    report,
    runs_text,
    settle,
    wait_ready,
    wait_until,
)

TRAINING = '[data-live="training"]'

# Every step record the worker posts, with the time it reached the page.
STEP_CLOCK = """
window.__stepTimes = [];
const NativeWorker = window.Worker;
window.Worker = class extends NativeWorker {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (e) => {
      const m = e.data;
      const now = performance.now();
      if (m && m.kind === 'event' && m.name === 'step' && m.payload) window.__stepTimes.push([m.payload.step, now]);
    });
  }
};
"""

HIDE = """() => {
  window.requestAnimationFrame = () => 0;
  Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
  Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
  document.documentElement.style.display = 'none';
  document.dispatchEvent(new Event('visibilitychange'));
}"""

# "every chapter in turn" is the target's "every section visible" as a learner can have it: a
# 1440x900 window that moves to each chapter in turn while training runs, so every chapter is on
# screen (and redraws) for part of the run. "whole page at once" (a window as tall as the page)
# is a stress case printed beside it: no screen shows 14,000+ px of page at once.
CONFIGS = ("reader", "every chapter in turn", "whole page at once", "hidden")
TOUR_EVERY_S = 0.6  # how long the window stays on each chapter

TOUR = """(i) => {
  const chapters = [...document.querySelectorAll('.chapter')];
  chapters[i % chapters.length].scrollIntoView({behavior: 'instant'});
  return chapters.length;
}"""

# The page's own performance.measure() entries while training ({name: [count, total ms, max ms]}):
# which chapter's drawing the main thread spent its time on.
MEASURES = """([a, b]) => {
  const out = {};
  for (const m of performance.getEntriesByType('measure')) {
    if (m.startTime < a || m.startTime > b) continue;
    const s = out[m.name] ??= [0, 0, 0];
    s[0] += 1; s[1] += m.duration; s[2] = Math.max(s[2], m.duration);
  }
  return out;
}"""


def ready_to_train(page):
    """Ready, the training chapter's buttons up, and the calls the sections made at load answered."""
    wait_ready(page)
    wait_until(page, f"() => {{ const b = document.querySelector('{TRAINING} button[data-action=\"100\"]');"
                     " return b && !b.disabled; }")
    settle(page)


def browser_run(browser, url, config, steps):
    """{gaps: {step: ms}, rate: steps/s over steps 2..N, tasks: [long task ms]} for one load."""
    context, page = open_page(browser, url, init_scripts=(LONGTASK_OBSERVER, STEP_CLOCK))
    try:
        ready_to_train(page)
        if config == "whole page at once":
            height = page.evaluate("() => document.documentElement.scrollHeight")
            page.set_viewport_size({"width": 1440, "height": height})
            print(f"  whole page at once: viewport 1440x{height}", flush=True)
            page.evaluate("() => window.scrollTo(0, 0)")
            time.sleep(1)  # every chapter catches up on what it skipped off screen
        elif config in ("reader", "every chapter in turn"):
            page.evaluate("() => document.getElementById('training').scrollIntoView({behavior: 'instant'})")
            time.sleep(0.5)
        else:
            page.evaluate(HIDE)
        t0 = page.evaluate(f"""() => {{ window.__stepTimes = [];
            document.querySelector('{TRAINING} button[data-action="100"]').click(); return performance.now(); }}""")
        if config == "every chapter in turn":
            deadline, shown = time.monotonic() + 60 + 10 * steps, 0
            while page.evaluate("() => window.__stepTimes.length") < steps and time.monotonic() < deadline:
                page.evaluate(TOUR, shown)
                shown += 1
                time.sleep(TOUR_EVERY_S)
        wait_until(page, f"() => window.__stepTimes.length >= {steps}", timeout=60 + 10 * steps, every=0.25)
        t1 = page.evaluate(f"() => {{ document.querySelector('{TRAINING} button[data-action=\"pause\"]').click();"
                           " return performance.now(); }")
        stamps = page.evaluate("() => window.__stepTimes")[:steps]
        tasks = page.evaluate("([a, b]) => window.__longTasks.filter((t) => t.start >= a && t.start <= b)"
                              ".map((t) => t.duration)", [t0, t1])
        measures = page.evaluate(MEASURES, [t0, t1])
    finally:
        context.close()
    by_step = dict(stamps)
    gaps = {k: by_step[k] - by_step[k - 1] for k in range(2, steps + 1) if k in by_step and k - 1 in by_step}
    rate = (steps - 1) / ((by_step[steps] - by_step[1]) / 1000)
    return {"gaps": gaps, "rate": rate, "tasks": tasks, "measures": measures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=30, help="training steps per run (from step 1)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="one round of 6 steps (a smoke run)")
    parser.add_argument("--file", type=Path, default=DEFAULT_PAGE)
    args = parser.parse_args()
    if args.quick:
        args.steps, args.rounds = 6, 1
    url = args.file.resolve().as_uri()
    native = []  # per round: {step: ms}
    runs = {config: [] for config in CONFIGS}
    with chromium() as browser:
        for r in range(args.rounds):
            native.append({k: 1000 * s for k, s in plain_step_times(args.steps)["wall"].items()})
            order = CONFIGS[r % len(CONFIGS):] + CONFIGS[:r % len(CONFIGS)]
            for config in order:
                runs[config].append(browser_run(browser, url, config, args.steps))

    twins = [run["gaps"][k] / nat[k] for nat, run in zip(native, runs["reader"], strict=True)
             for k in run["gaps"] if k in nat]
    native_ms = median([ms for nat in native for ms in nat.values()])
    page_ms = median([ms for run in runs["reader"] for ms in run["gaps"].values()])
    rates = {config: [run["rate"] for run in runs[config]] for config in CONFIGS}
    visible, hidden, reader, stress = (median(rates[c]) for c in (
        "every chapter in turn", "hidden", "reader", "whole page at once"))
    tasks = [t for c in ("every chapter in turn", "reader") for run in runs[c] for t in run["tasks"]]
    stress_tasks = [t for run in runs["whole page at once"] for t in run["tasks"]]
    print(f"steps 2..{args.steps}, {args.rounds} rounds")
    print(f"native CPython step      {native_ms:7.1f} ms median")
    print(f"in-page step (reader)    {page_ms:7.1f} ms median | per-step twins page/native {median(twins):.3f}")
    for config in CONFIGS:
        print(f"steps/s {config:<22} {median(rates[config]):6.2f}  (runs: {runs_text(rates[config], '{:.2f}')})")
    print(f"visible / hidden         {visible / hidden:.1%}")
    print(f"whole page at once / hidden {stress / hidden:.1%} (stress case, no target)")
    print(f"long tasks while training, every chapter in turn + reader: {len(tasks)}, longest "
          f"{max(tasks, default=0):.0f} ms; whole page at once: {len(stress_tasks)}, longest "
          f"{max(stress_tasks, default=0):.0f} ms")
    for config in CONFIGS[:3]:
        totals = {}
        for run in runs[config]:
            for name, (count, total, longest) in run["measures"].items():
                t = totals.setdefault(name, [0, 0.0, 0.0])
                t[0], t[1], t[2] = t[0] + count, t[1] + total, max(t[2], longest)
        top = sorted(totals.items(), key=lambda item: -item[1][1])[:6]
        print(f"page's own measures while training, {config} (name: count, total, longest): "
              + ("; ".join(f"{n}: {c}, {t:.0f} ms, {m:.0f} ms" for n, (c, t, m) in top) or "none"))
    report("train_speed.py", [
        figure("in-browser step / native CPython step", median(twins), 1.15, "<=", "x",
               f"page {page_ms:.0f} ms vs native {native_ms:.0f} ms (medians); per-step twins, "
               f"steps 2..{args.steps} x {args.rounds} rounds"),
        figure("steps/s every chapter visible (in turn) / page hidden", 100 * visible / hidden, 90, ">=", "%",
               f"{visible:.2f} vs {hidden:.2f} steps/s; 1440x900 moving to each chapter every {TOUR_EVERY_S:g} s; "
               f"training chapter only: {100 * reader / hidden:.0f} %; whole page in one 1440-wide window: "
               f"{100 * stress / hidden:.0f} %; hidden = no frames, display:none (emulated)"),
        figure("longest main-thread task while training", max(tasks, default=0), 50, "<=", "ms",
               f"1440x900, every chapter in turn and training chapter; {len(tasks)} tasks > 50 ms in "
               f"{2 * args.rounds} runs of {args.steps} steps; whole page at once: {len(stress_tasks)}, "
               f"longest {max(stress_tasks, default=0):.0f} ms"),
    ])


if __name__ == "__main__":
    main()
