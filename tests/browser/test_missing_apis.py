"""A browser that lacks an API the page uses gets a fallback (this file) or a sentence naming it
(test_page_boot.py: WebAssembly, DecompressionStream). Here the optional ones are removed before
the page loads: Uint8Array.fromBase64 (atob instead), requestIdleCallback (a timer instead) and
CompressionStream (stored gzip instead, for a data set saved into a downloaded guide)."""

import base64
import gzip
import re

import pytest
from helpers import wait_until

pytestmark = pytest.mark.browser

REMOVE = "delete Uint8Array.fromBase64; delete window.requestIdleCallback; delete window.CompressionStream;"
STATUS = "#script-workbench .script-status"
NAMES = "\n".join(["emma", "olivia", "zoë", "mia"]) + "\n"


def test_the_page_works_without_the_optional_apis(chromium, built_page, tmp_path):
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    context.add_init_script(REMOVE)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(built_page.as_uri())
        assert page.evaluate("() => [typeof Uint8Array.fromBase64, typeof requestIdleCallback,"
                             " typeof CompressionStream]") == ["undefined"] * 3
        wait_until(page, "() => window.microgptGuide?.status.state !== 'booting'")
        assert page.evaluate("() => window.microgptGuide.status.state") == "ready"
        # The editor replaces its plain-text preview once idle and on screen: a timer here.
        page.evaluate("() => document.getElementById('script').scrollIntoView({behavior: 'instant'})")
        wait_until(page, "() => document.querySelector('#script-workbench .cm-editor')")
        # Run decodes the embedded names on the page (base64 without fromBase64).
        page.click("#script-workbench .script-run")
        wait_until(page, f"() => ['ok', 'error'].includes(document.querySelector('{STATUS}').dataset.kind)")
        assert page.evaluate(f"() => document.querySelector('{STATUS}').dataset.kind") == "ok"
        # A data set saved into a downloaded guide: gzip without CompressionStream.
        page.set_input_files("#script-workbench input[type=file]",
                             files=[{"name": "few.txt", "mimeType": "text/plain", "buffer": NAMES.encode()}])
        with page.expect_download() as download:
            page.click("#script-workbench .script-download")
        copy = tmp_path / "guide.html"
        download.value.save_as(copy)
        block = re.search(r'data-embedded="dataset"[^>]*>([^<]*)<', copy.read_text(encoding="latin-1")).group(1)
        packed = base64.b64decode(block)
        assert NAMES.encode() in packed  # stored, not compressed: the fallback ran
        assert gzip.decompress(packed).decode() == NAMES  # and it is valid gzip (CRC, length)
        assert page.evaluate("() => [...window.microgptGuide.errors]") == [] and errors == []
    finally:
        context.close()


# Chromium without scroll anchoring, as WebKit is: the CSS property off and reported unsupported.
NO_ANCHORING = """
const supports = CSS.supports.bind(CSS);
CSS.supports = (...args) => (String(args[0]).startsWith('overflow-anchor') ? false : supports(...args));
document.addEventListener('DOMContentLoaded', () => {
  const style = document.createElement('style');
  style.textContent = '* { overflow-anchor: none !important; }';
  document.head.append(style);
});
"""
# The reading position, a chapter above it growing then shrinking, the position after each.
GROW_ABOVE = """async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const top = () => Math.round(document.getElementById('training').getBoundingClientRect().top);
    document.getElementById('training').scrollIntoView({behavior: 'instant'});
    // A frame that scrolled only records sizes (js/ui/scroll-anchor.js): let it pass first.
    await frame(); await frame(); await frame();
    const seen = [top()];
    const filler = Object.assign(document.createElement('div'), {style: 'height: 500px'});
    document.querySelector('#attention').append(filler);
    await frame();
    seen.push(top());
    filler.remove();
    await frame();
    seen.push(top());
    return seen;
}"""


def test_a_chapter_growing_above_the_reader_does_not_move_the_page(chromium, built_page):
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    context.add_init_script(NO_ANCHORING)
    page = context.new_page()
    try:
        page.goto(built_page.as_uri())
        wait_until(page, "() => window.microgptGuide?.status.state === 'ready'")
        tops = page.evaluate(GROW_ABOVE)
        assert tops[0] == tops[1] == tops[2], tops
    finally:
        context.close()
