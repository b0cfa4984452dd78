"""The closed Python console covers no content (issue 23, point 6): on a desktop or a tablet it
sits at the foot of the sidebar, on a phone in the top bar beside the menu button; opened, it
shows the script's output."""

import pytest
from helpers import wait_until

pytestmark = pytest.mark.browser

RECTS = """() => {
    const r = (e) => { const b = e.getBoundingClientRect(); return {l: b.left, t: b.top, r: b.right, b: b.bottom}; };
    const q = (s) => document.querySelector(s);
    const shown = (e) => e && getComputedStyle(e).display !== 'none' && e.getBoundingClientRect().width > 0;
    return {
        console: r(q('#console')), content: r(q('.content')), sidebar: r(q('.sidebar')),
        others: [...q('.sidebar').children].filter(shown).map((e) => ({name: e.className, ...r(e)})),
        height: innerHeight,
    };
}"""


def overlap(a, b):
    return min(a["r"], b["r"]) - max(a["l"], b["l"]) > 0.5 and min(a["b"], b["b"]) - max(a["t"], b["t"]) > 0.5


@pytest.mark.parametrize("viewport", [(1440, 900), (1024, 768), (390, 844)])
def test_the_closed_console_covers_no_content(open_page, built_page, artifacts, viewport):
    rec = open_page(built_page.as_uri(), viewport)
    rec.wait_ready()
    page = rec.page
    wait_until(page, "() => document.querySelector('#console-count').textContent !== ''")
    for chapter in ("script", "training"):  # anywhere on the page: the dock is fixed
        page.evaluate(f"() => document.getElementById('{chapter}').scrollIntoView({{behavior: 'instant'}})")
        page.wait_for_timeout(300)
        rects = page.evaluate(RECTS)
        dock = rects["console"]
        assert dock["b"] <= rects["height"] and dock["r"] <= viewport[0], rects
        content = dict(rects["content"])
        if viewport[0] <= 800:  # the top bar sits over the column: what shows is below it
            content["t"] = max(content["t"], rects["sidebar"]["b"])
        assert not overlap(dock, content), f"the closed console covers the content column: {rects}"
        # Nor anything of the sidebar or the top bar (the brand, the runtime badge, the menu button).
        hits = [o["name"] for o in rects["others"] if overlap(dock, o)]
        assert hits == [], rects
        if viewport[0] <= 800:
            assert dock["b"] <= rects["sidebar"]["b"] + 0.5, "on a phone it sits in the top bar"
    page.screenshot(path=str(artifacts / f"console-closed-{viewport[0]}.png"))
    # Opened, it shows the script's output; closed again, it goes back.
    page.click("#console-toggle")
    assert page.is_visible("#console-body") and page.text_content("#console-body").strip()
    page.click("#console-toggle")
    assert not page.is_visible("#console-body")
    assert not rec.errors, rec.errors
