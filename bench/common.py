"""What the bench scripts share: Debian's Chromium through Playwright, opening the built page,
waiting under its CSP, medians, and the one machine-readable line each script ends with.

Each bench script prints its own readable figures, then one line
`BENCH-RESULT {"script": ..., "figures": [...]}` that bench/run.py collects into its table.
A figure is {name, measured, target, op ("<=" or ">="), unit, detail}; `measured` is None when
it could not be taken (run.py shows that as an error, not as a FAIL).
"""

import contextlib
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAGE = ROOT / "dist" / "microgpt-guide.html"
RESULT_TAG = "BENCH-RESULT "
READY_TIMEOUT_S = 120  # generous: it only matters when something is wrong

sys.path.insert(0, str(ROOT / "tests" / "browser"))
from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# Registered before any page script runs, so every main-thread task over 50 ms is seen.
LONGTASK_OBSERVER = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push({start: e.startTime, duration: e.duration});
}).observe({type: 'longtask', buffered: true});
"""


@contextlib.contextmanager
def chromium():
    """One headless Chromium for a whole script: pages get fresh contexts (cold caches)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, url, viewport=(1440, 900), init_scripts=()):
    """A fresh context and page at `url`; the caller closes the context."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    for script in init_scripts:
        context.add_init_script(script)
    page = context.new_page()
    page.goto(url)
    return context, page


def wait_until(page, js, arg=None, timeout=READY_TIMEOUT_S, every=0.05, required=True):
    """Evaluate the JS function `js` until it returns something truthy (Playwright's
    wait_for_function evaluates a string, which the page's CSP refuses). On timeout: exit with
    an error, or return None when not `required`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(js, arg)
        if value:
            return value
        time.sleep(every)
    if not required:
        return None
    raise SystemExit(f"timed out after {timeout} s waiting for: {js}")


def wait_ready(page):
    """Wait for the guide's Python (its setup done); the status the page reports."""
    status = wait_until(
        page,
        """() => window.microgptGuide && window.microgptGuide.status.state !== 'booting'
               && {...window.microgptGuide.status}""",
        every=0.02,
    )
    if status["state"] != "ready":
        raise SystemExit(f"the page did not boot: {status}")
    return status


def settle(page, quiet=3, timeout=60):
    """Wait until the worker is idle: the sections' own calls (at load, on scrolling into view,
    a batch of samples one after another) answered. The worker runs calls in order, so a bare
    `eval` comes back fast only when nothing else is queued or running: wait for `quiet` fast
    ones in a row (or give up after `timeout` s and measure anyway)."""
    fast = 0
    deadline = time.monotonic() + timeout
    while fast < quiet and time.monotonic() < deadline:
        ms = page.evaluate("""async () => {
            const t0 = performance.now();
            await window.microgptGuide.call('eval', {code: '0'});
            return performance.now() - t0;
        }""")
        fast = fast + 1 if ms < 30 else 0
        time.sleep(0.2)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def num(value, fmt="{:.0f}"):
    """A figure as text; an unmeasured one (None) as a dash."""
    return "—" if value is None else fmt.format(value)


def runs_text(values, fmt="{:.0f}"):
    return ", ".join(num(v, fmt) for v in values)


def figure(name, measured, target, op, unit, detail=""):
    return {"name": name, "measured": measured, "target": target, "op": op, "unit": unit, "detail": detail}


def report(script, figures):
    """The script's last line: its figures for bench/run.py."""
    print(RESULT_TAG + json.dumps({"script": script, "figures": figures}), flush=True)
