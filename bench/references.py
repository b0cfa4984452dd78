"""Reference loads for boot.py: what the same browser does, in the same run, with less than the
guide, so that a missed boot target can be read against what limits it.

- a trivial page (a heading and a paragraph): the first paint of any page here;
- the guide's own prose: the built file with every script taken out, so the same
  head, stylesheet and chapters' text, and no script, data or runtime;
- compiling the Pyodide wasm alone, from bytes already in memory (WebAssembly.compile);
- the guide without its runtime: the built file less its runtime assets (the first frame's
  recording, the chapters' code and the prose all there; no Python will start), whose chapters
  show the recorded first frame with nothing else for the main thread to parse.
"""

import contextlib
import re
import tempfile
from pathlib import Path

from common import wait_until

TRIVIAL = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>trivial</title></head>'
           "<body><h1>A heading</h1><p>A paragraph of text.</p></body></html>")

FCP = "() => performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint')?.startTime"

COMPILE = """async () => {
  const bytes = await (await fetch('pyodide.asm.wasm', {cache: 'no-store'})).arrayBuffer();
  const t0 = performance.now();
  await WebAssembly.compile(bytes);
  return performance.now() - t0;
}"""


def prose_only(html: str) -> str:
    """The built page without any of its scripts (the prose and its styles; no JS, data or runtime)."""
    return re.sub(r"<script\b[^>]*>.*?</script>\n?", "", html, flags=re.DOTALL)


def without_runtime(html: str) -> str:
    """The built page less its runtime assets (js/embedded.js: script[data-asset])."""
    return re.sub(r'<script type="application/octet-stream" data-asset="[^"]*"[^>]*>.*?</script>\n?', "", html,
                  flags=re.DOTALL)


@contextlib.contextmanager
def pages(built: Path):
    """file:// URLs of the trivial page, of the guide's prose only and of the guide without its runtime."""
    with tempfile.TemporaryDirectory() as folder:
        trivial, prose, frame = (Path(folder, name) for name in ("trivial.html", "prose.html", "frame.html"))
        html = built.read_text(encoding="latin-1")  # windows-1252 bytes, as they are (builder/charset.py)
        trivial.write_text(TRIVIAL, encoding="utf-8")
        prose.write_text(prose_only(html), encoding="latin-1")
        frame.write_text(without_runtime(html), encoding="latin-1")
        yield trivial.as_uri(), prose.as_uri(), frame.as_uri()


def first_paint(browser, url):
    """First contentful paint of one cold load of `url`, ms from navigation."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit")
        return wait_until(page, FCP, timeout=10, every=0.02, required=False)
    finally:
        context.close()


def wasm_compile(browser, stock_url):
    """ms to compile pyodide.asm.wasm from memory, in a page of the stock Pyodide server."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(stock_url.rsplit("/", 1)[0] + "/setup.py")
        return page.evaluate(COMPILE)
    finally:
        context.close()
