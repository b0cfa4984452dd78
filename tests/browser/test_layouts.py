"""The page at desktop, tablet and phone sizes, once everything drew: no horizontal scroll, no
two panels of a chapter's live area on top of each other, none cut off at the column's edge;
on a phone the chapter list folds behind a menu button that works from the keyboard. Every
chapter is saved as a screenshot per size (test-artifacts/layouts/) for a person to look at."""

import pytest
from helpers import wait_until
from settle import CHAPTERS, settle

pytestmark = pytest.mark.browser

SIZES = [(1440, 900), (1024, 768), (820, 1180), (390, 844)]
PHONE_MAX = 800  # the width at or below which the sidebar folds (styles/layout.css)

# The panels of each chapter's live area: the live body's children, and every titled card.
# Two siblings may touch (a 1 px border) but not overlap; none may reach past the column's
# right edge. Hidden and zero-size boxes (collapsed details, visually hidden text) do not count.
PANEL_FAULTS = """(chapters) => {
    const faults = [];
    const box = (e) => e.getBoundingClientRect();
    const shown = (e) => { const r = box(e); return e.checkVisibility() && r.width > 2 && r.height > 2
        && getComputedStyle(e).position !== 'absolute' && getComputedStyle(e).position !== 'fixed'; };
    const name = (e) => e.tagName.toLowerCase()
        + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
    const past = (e, edge) => `${Math.round(box(e).right - edge)} px past the column`;
    for (const id of chapters) {
        const chapter = document.getElementById(id);
        const edge = box(chapter).right;
        const panels = [...chapter.querySelectorAll('.live-body > *, .live-card, .live-card-body > *')].filter(shown);
        const byParent = new Map();
        for (const p of panels) {
            if (box(p).right > edge + 1) faults.push(`${id}: ${name(p)} reaches ${past(p, edge)}`);
            const list = byParent.get(p.parentElement) ?? [];
            list.push(p);
            byParent.set(p.parentElement, list);
        }
        // Anything else spilling past the column, unless a box on the way scrolls or clips it
        // (a wide table in a scroller is by design). Only the outermost spill is reported.
        const spills = (e) => box(e).right > edge + 1 && e.checkVisibility() && box(e).width > 0;
        const contained = (e) => { for (let a = e.parentElement; a && a !== chapter; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
        for (const e of chapter.querySelectorAll('.live-body *')) {
            const outermost = spills(e) && !spills(e.parentElement) && !contained(e);
            if (outermost) faults.push(`${id}: ${name(e)} spills ${past(e, edge)}`);
        }
        for (const siblings of byParent.values()) {
            for (let i = 0; i < siblings.length; i++) for (let j = i + 1; j < siblings.length; j++) {
                const a = box(siblings[i]), b = box(siblings[j]);
                const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                const size = `${Math.round(w)} x ${Math.round(h)} px`;
                if (w > 1 && h > 1) faults.push(`${id}: ${name(siblings[i])} overlaps ${name(siblings[j])} (${size})`);
            }
        }
    }
    return faults;
}"""

# The boxes that float over the chapters (the console dock, the phone's sticky bar): hidden for
# the chapter screenshots, shown again after.
FLOATING = "(v) => document.querySelectorAll('#console, .sidebar').forEach((e) => { e.style.visibility = v; })"

NO_SIDEWAYS_SCROLL = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"

# Every box with a scroll cue (js/ui/scroll-cue.js), in view one after another: which of its
# edges have more beyond them, as the page marks them and as measured here, and whether the
# fade is drawn. Each box that scrolls is then scrolled to its far end and measured again.
SCROLL_CUES = """async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const measured = (b) => {
        const more = [], x = b.scrollWidth - b.clientWidth, y = b.scrollHeight - b.clientHeight;
        if (x > 2 && b.scrollLeft > 2) more.push('left');
        if (x > 2 && b.scrollLeft < x - 2) more.push('right');
        if (y > 2 && b.scrollTop > 2) more.push('top');
        if (y > 2 && b.scrollTop < y - 2) more.push('bottom');
        return more.join(' ');
    };
    // The page marks a box a frame or two after it changes: give it up to ten.
    const settled = async (b) => {
        for (let i = 0; i < 5 && (b.dataset.more ?? '') !== measured(b); i++) await frame();
    };
    const out = [];
    for (const b of document.querySelectorAll('.scroll-cue')) {
        if (!b.checkVisibility()) continue;
        b.scrollIntoView({block: 'center', behavior: 'instant'});
        await frame();
        await settled(b);
        const row = {name: b.className, marked: b.dataset.more ?? '', measured: measured(b),
                     masked: getComputedStyle(b).maskImage.includes('gradient')};
        if (row.measured) {
            b.scrollLeft = b.scrollWidth; b.scrollTop = b.scrollHeight;
            await frame();
            await settled(b);
            Object.assign(row, {endMarked: b.dataset.more ?? '', endMeasured: measured(b)});
            b.scrollLeft = 0; b.scrollTop = 0;
        }
        out.push(row);
    }
    return out;
}"""


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_layout(open_page, built_page, artifacts, size):
    width, height = size
    rec = open_page(built_page.as_uri(), viewport=size)
    settle(rec)
    page = rec.page
    folder = artifacts / "layouts"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{width}x{height}-viewport.png"))
    # The chapters without the console dock and the phone's sticky bar, which float over them.
    page.evaluate(FLOATING, "hidden")
    for chapter in ["top", *CHAPTERS]:
        page.locator(f"#{chapter}").screenshot(path=str(folder / f"{width}x{height}-{chapter}.png"))
    page.evaluate(FLOATING, "")

    scroll_width, inner_width = page.evaluate(NO_SIDEWAYS_SCROLL)
    assert scroll_width <= inner_width, f"horizontal scroll at {width}x{height}: {scroll_width} > {inner_width}"
    faults = page.evaluate(PANEL_FAULTS, CHAPTERS)
    assert not faults, "\n".join(faults)

    # What a scrolling box cuts off is marked, at both ends of its scroll.
    cues = page.evaluate(SCROLL_CUES)
    assert len(cues) >= 5, cues
    for cue in cues:
        assert cue["masked"], cue
        assert cue["marked"] == cue["measured"], cue
        assert cue.get("endMarked") == cue.get("endMeasured"), cue
    cut = {c["name"].split()[0] for c in cues if c["measured"]}
    if width <= 400:  # a phone: the wide ones scroll sideways and say so
        assert {"pipeline-scroll", "vocab-scroll", "tr-adam-side"} <= cut, cues
    if width >= 1024 and height >= 900:  # beside its step panel, the default gpt() diagram fits whole
        assert "arch-diagram" not in cut, cues

    toggle = page.locator("#nav-toggle")
    toc = page.locator("#toc")
    if width > PHONE_MAX:
        assert toggle.is_hidden() and toc.is_visible()
    else:
        # Folded: the menu button shows, the chapter list does not, until the button opens it.
        page.evaluate("() => window.scrollTo({top: 0, behavior: 'instant'})")
        assert toggle.is_visible() and toc.is_hidden()
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.focus()
        page.keyboard.press("Enter")
        assert toc.is_visible() and toggle.get_attribute("aria-expanded") == "true"
        page.screenshot(path=str(folder / f"{width}x{height}-menu-open.png"))
        # Escape folds it again and leaves the focus on the button.
        page.keyboard.press("Tab")
        page.keyboard.press("Escape")
        assert toc.is_hidden() and toggle.get_attribute("aria-expanded") == "false"
        assert page.evaluate("() => document.activeElement.id") == "nav-toggle"
        # Following a chapter link takes the reader there and folds the list.
        page.keyboard.press("Enter")
        page.locator("#toc a[data-nav='attention']").click()
        assert toc.is_hidden()
        # (Scrolling is smooth: wait for it to arrive.)
        wait_until(page, "(h) => { const t = document.getElementById('attention').getBoundingClientRect().top; "
                         "return t >= 0 && t < h / 2; }", height)
    assert not rec.errors, rec.errors
