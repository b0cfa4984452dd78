"""A long session in one page: the whole training loop (1000 steps) through the training chapter,
then 100 samples, with Python's memory before and after (issue "Faults while training": a soak).

Prints the wasm heap (it only grows), the interpreter's allocated blocks and live objects, the
page's own JS heap (Chromium's performance.memory), the steps per second and whether the page
stayed responsive (the longest main-thread task while training).

    .venv/bin/python bench/soak.py [--file dist/microgpt-guide.html] [--steps 1000] [--samples 100]
"""

import argparse
import time
from pathlib import Path

from common import DEFAULT_PAGE, chromium, open_page, wait_ready, wait_until

LIVE = "[data-live=training] .live-body"


def memory(page):
    heap = page.evaluate("() => window.microgptGuide.call('heap', {})")
    js = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : null")
    return {**heap, "page_js_bytes": js}


def show(label, m):
    mb = lambda b: f"{b / 2**20:.1f} MB" if b is not None else "n/a"  # noqa: E731
    print(f"{label:>22}: wasm heap {mb(m['wasm_bytes'])} (limit {mb(m['limit_bytes'])}), "
          # sys.getallocatedblocks() is 0 where CPython's own allocator is not used (Pyodide's).
          f"{m['allocated_blocks'] or 'uncounted'} allocated blocks, {m['objects']:,} objects, "
          f"page JS heap {mb(m['page_js_bytes'])}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=DEFAULT_PAGE)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    with chromium() as browser:
        context, page = open_page(browser, args.file.resolve().as_uri())
        wait_ready(page)
        time.sleep(3)  # the chapters' first calls
        before = memory(page)
        show("after boot", before)
        page.evaluate("""() => { window.__longest = 0; new PerformanceObserver((l) => {
            for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration); })
            .observe({type: 'longtask', buffered: false}); }""")
        page.evaluate("() => document.querySelector('[data-live=training]').scrollIntoView()")
        t0 = time.monotonic()
        action = "end" if args.steps >= 1000 else "100"
        while True:
            done = page.evaluate(f"() => Number(document.querySelector('{LIVE}').dataset.steps || 0)")
            if done >= args.steps:
                break
            if page.evaluate(f"() => document.querySelector('{LIVE}').dataset.running !== 'true'"):
                page.click(f"[data-live=training] .tr-button[data-action='{action}']")
            time.sleep(2)
        seconds = time.monotonic() - t0
        trained = memory(page)
        show(f"after {done} steps", trained)
        longest = page.evaluate("() => window.__longest")
        t1 = time.monotonic()
        texts = [page.evaluate("(s) => window.microgptGuide.call('sample', {seed: s}).then((r) => r.text)", 5000 + i)
                 for i in range(args.samples)]
        sampled = memory(page)
        show(f"after {args.samples} samples", sampled)
        print(f"training: {done} steps in {seconds:.0f} s ({done / seconds:.2f} steps/s); longest main-thread task "
              f"{longest:.0f} ms; {args.samples} samples in {time.monotonic() - t1:.0f} s, e.g. {texts[:5]}")
        info = page.evaluate("() => window.microgptGuide.call('info', {})")
        wait_until(page, "() => window.microgptGuide.status.state === 'ready'")
        print(f"Python still answers: step {info['step']}; page errors: "
              f"{page.evaluate('() => window.microgptGuide.errors')}")
        context.close()


if __name__ == "__main__":
    main()
