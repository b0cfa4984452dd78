"""Round trips of the two interactive explorers, as the sections make them (medians).

    .venv/bin/python bench/roundtrip.py [--trials 12] [--quick] [--file ...]

One page at 1440x900, booted and settled; each chapter scrolled into view before its trials:
- forward trace of one position (chapter "architecture"): the position picker is set and its
  `change` event dispatched, as a reader's pick does; timed until the section's answer is in
  the DOM (its `data-traces` count moves), i.e. the `trace` RPC through the worker and the redraw;
- slider-driven autograd update (chapter "autograd"): an input slider is moved (`input`
  event); timed until the toy has drawn the new forward pass (it sets `data-roundtrip-ms`).
Beside each: the bare RPC (microgptGuide.call of the same method and arguments) and the time to
the next animation frame after the DOM update. Trials are sequential, 100 ms apart.
"""

import argparse
import time
from pathlib import Path

from common import (
    DEFAULT_PAGE,
    chromium,
    figure,
    median,
    num,
    open_page,
    report,
    runs_text,
    settle,
    wait_ready,
    wait_until,
)

ARCH = '[data-live="architecture"] .arch-live'
TOY = '[data-live="autograd"] .ag-toy'

# Sets the control's value and dispatches `eventName` on it, then resolves [ms until `attribute`
# of `watched` is written, ms until the animation frame after that].
TIMED = """async ([watched, attribute, control, value, eventName]) => {
  const target = document.querySelector(watched);
  const input = document.querySelector(control);
  return new Promise((resolve) => {
    setTimeout(() => resolve([null, null]), 20000); // no answer drawn: unmeasured, not a hang
    let t0 = 0;
    const observer = new MutationObserver(() => {
      const dom = performance.now() - t0;
      observer.disconnect();
      requestAnimationFrame(() => resolve([dom, performance.now() - t0]));
    });
    observer.observe(target, {attributes: true, attributeFilter: [attribute]});
    input.value = String(value);
    t0 = performance.now();
    input.dispatchEvent(new Event(eventName, {bubbles: true}));
  });
}"""

BARE = """async ([method, args]) => {
  const t0 = performance.now();
  await window.microgptGuide.call(method, args);
  return performance.now() - t0;
}"""


def scroll_to(page, chapter):
    page.evaluate("(id) => document.getElementById(id).scrollIntoView({behavior: 'instant'})", chapter)
    settle(page)


def trials(page, n, watched, attribute, control, values, event, bare_method, bare_args):
    ui, frame, bare = [], [], []
    for i in range(n):
        dom, next_frame = page.evaluate(TIMED, [watched, attribute, control, values[i % len(values)], event])
        ui.append(dom)
        frame.append(next_frame)
        time.sleep(0.1)
        bare.append(page.evaluate(BARE, [bare_method, bare_args(i)]))
        time.sleep(0.1)
    return ui, frame, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--quick", action="store_true", help="3 trials each (a smoke run)")
    parser.add_argument("--file", type=Path, default=DEFAULT_PAGE)
    args = parser.parse_args()
    n = 3 if args.quick else args.trials
    with chromium() as browser:
        context, page = open_page(browser, args.file.resolve().as_uri())
        try:
            wait_ready(page)
            settle(page)
            scroll_to(page, "architecture")
            wait_until(page, "(sel) => Number(document.querySelector(sel)?.dataset.traces) >= 1", ARCH)
            name = page.evaluate("(sel) => document.querySelector(sel + ' .arch-name').value", ARCH)
            positions = page.evaluate("(sel) => document.querySelectorAll(sel + ' .arch-pos option').length", ARCH)
            # Every pick differs from the one before, so every pick is a new trace.
            picks = [(1 + i) % positions for i in range(positions)]
            trace = trials(page, n, ARCH, "data-traces", f"{ARCH} .arch-pos", picks, "change",
                           "trace", lambda i: {"name": name, "pos": picks[i % len(picks)]})
            scroll_to(page, "autograd")
            wait_until(page, "(sel) => document.querySelector(sel)?.dataset.state !== 'waiting'", TOY)
            values = [1.5, 3, -2.5, 0.5, 4.2, -1]
            slider = trials(page, n, TOY, "data-roundtrip-ms", f'{TOY} input[data-input="a"]', values, "input",
                            "autograd", lambda i: {"preset": "a*b+c", "inputs": {"a": values[i % 6], "b": -3, "c": 10}})
        finally:
            context.close()

    for label, (ui, frame, bare) in (("forward trace, one position", trace), ("autograd slider update", slider)):
        print(f"{label:<28} {num(median(ui), '{:.1f}'):>6} ms median (runs: {runs_text(ui, '{:.1f}')}); "
              f"to next frame {num(median(frame), '{:.1f}')} ms; bare RPC {num(median(bare), '{:.1f}')} ms")
    def detail(action, result):
        return (f"{action} -> drawn; next frame {num(median(result[1]))} ms; bare RPC {num(median(result[2]))} ms; "
                f"{n} trials")

    report("roundtrip.py", [
        figure("forward trace of one position, round trip", median(trace[0]), 100, "<=", "ms", detail("pick", trace)),
        figure("slider-driven autograd update, round trip", median(slider[0]), 30, "<=", "ms", detail("move", slider)),
    ])

if __name__ == "__main__":
    main()
