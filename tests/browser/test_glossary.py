"""The glossary: "?" markers after marked terms open their explanation (from js/glossary.json) on
keyboard focus and on hover, Escape and blur close it, and the Glossary chapter lists every entry.

The markers and the list are static page content: none of this waits for Python."""

import json
from pathlib import Path

import pytest
from helpers import wait_until

GLOSSARY = json.loads((Path(__file__).resolve().parents[2] / "js" / "glossary.json").read_text(encoding="utf-8"))
BY_ID = {entry["id"]: entry for entry in GLOSSARY}

TOOLTIP = """() => {
    const tip = document.getElementById('page-tooltip');
    return tip && !tip.hidden ? tip.textContent : null;
}"""
FOCUSED_TERM = """() => {
    const a = document.activeElement;
    if (!a?.classList.contains('help-marker')) return null;
    return {term: a.previousElementSibling?.dataset.term, describedBy: a.getAttribute('aria-describedby'),
            href: a.getAttribute('href'), label: a.getAttribute('aria-label')};
}"""


@pytest.fixture
def page(open_page, built_page):
    rec = open_page(built_page.as_uri())
    wait_until(rec.page, "() => document.querySelectorAll('#glossary-list dt').length > 0")
    yield rec.page
    assert not [e for e in rec.errors if "glossary" in e.lower() or "tooltip" in e.lower()]


def tab_to_first_marker(page, limit=40):
    """Press Tab from the top of the page until a glossary "?" has focus."""
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_TERM)
        if focused:
            return focused
    pytest.fail(f"no glossary marker within {limit} presses of Tab")


def test_tab_reaches_a_marker_and_its_tooltip_explains_the_term(page, artifacts):
    focused = tab_to_first_marker(page)
    entry = BY_ID[focused["term"]]
    text = wait_until(page, TOOLTIP)
    assert entry["definition"] in text and entry["term"] in text
    # Announced: the marker is described by the tooltip while it shows, and links to the entry.
    assert focused["describedBy"] == "page-tooltip"
    assert page.get_attribute("#page-tooltip", "role") == "tooltip"
    assert focused["href"] == f"#glossary-{entry['id']}"
    assert focused["label"] == f"What is {entry['term']}?"

    # Escape closes it and leaves focus where it was.
    page.keyboard.press("Escape")
    assert page.evaluate(TOOLTIP) is None
    assert page.evaluate(FOCUSED_TERM)["term"] == entry["id"]
    assert page.evaluate("() => document.activeElement.getAttribute('aria-describedby')") is None

    # Moving focus on (Tab) closes it too, then shows the next marker's own explanation if any.
    page.evaluate("() => document.activeElement.blur()")
    assert page.evaluate(TOOLTIP) is None


def test_hover_shows_the_explanation_and_leaving_hides_it(page):
    marker = page.locator('#architecture [data-term="softmax"] + .help-marker')
    marker.scroll_into_view_if_needed()
    marker.hover()
    text = wait_until(page, TOOLTIP)
    assert BY_ID["softmax"]["definition"] in text
    assert "In the script: softmax" in text
    # The tooltip can be hovered (WCAG 1.4.13): the pointer moves onto it and it stays open.
    box = page.locator("#page-tooltip").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=4)
    page.wait_for_timeout(600)
    assert BY_ID["softmax"]["definition"] in (page.evaluate(TOOLTIP) or "")
    # Leaving it (or the marker) closes it after a short grace period.
    page.mouse.move(5, 5)
    wait_until(page, f"() => ({TOOLTIP})() === null", timeout=2)


def test_enter_on_a_marker_goes_to_its_entry(page):
    marker = page.locator('#attention [data-term="dot-product"] + .help-marker')
    marker.focus()
    assert BY_ID["dot-product"]["definition"] in wait_until(page, TOOLTIP)
    page.keyboard.press("Enter")
    assert wait_until(page, "() => location.hash") == "#glossary-dot-product"
    assert page.evaluate(TOOLTIP) is None  # it does not stay behind at the old place
    # Keyboard focus moves on to the entry, which is marked as the one jumped to.
    assert page.evaluate("() => document.activeElement.id") == "glossary-dot-product"
    assert page.evaluate("() => document.querySelector('.glossary-current')?.id") == "glossary-dot-product"
    in_view = """() => { const r = document.getElementById('glossary-dot-product').getBoundingClientRect();
                          return r.top >= 0 && r.top < innerHeight; }"""
    assert wait_until(page, in_view, timeout=5)


def test_every_marked_term_has_a_marker_and_every_entry_is_listed(page):
    report = page.evaluate(
        """() => ({
            marks: [...document.querySelectorAll('[data-term]')].map((m) => ({
                term: m.dataset.term, marker: m.nextElementSibling?.classList.contains('help-marker') ?? false})),
            listed: [...document.querySelectorAll('#glossary-list .glossary-entry')].map((e) => ({
                id: e.id, term: e.querySelector('dt dfn').textContent,
                definition: e.querySelector('dd .glossary-definition').textContent})),
            nav: document.querySelector('.toc a[data-nav="glossary"]')?.getAttribute('href'),
        })"""
    )
    assert report["marks"] and all(m["marker"] for m in report["marks"])
    assert {m["term"] for m in report["marks"]} == set(BY_ID)
    assert len(report["listed"]) == len(GLOSSARY)
    for item in report["listed"]:
        entry = BY_ID[item["id"].removeprefix("glossary-")]
        assert item["term"] == entry["term"] and item["definition"] == entry["definition"]
    terms = [item["term"].lower() for item in report["listed"]]
    assert terms == sorted(terms, key=str.casefold)
    assert report["nav"] == "#glossary"


def test_scroll_spy_marks_the_glossary_chapter(page):
    page.evaluate("() => document.getElementById('glossary').scrollIntoView({behavior: 'instant'})")
    wait_until(page, "() => document.querySelector('.toc a.active')?.dataset.nav === 'glossary'", timeout=5)


def test_screenshots_of_a_focused_tooltip_and_the_glossary(page, artifacts):
    page.evaluate("() => document.getElementById('architecture').scrollIntoView({behavior: 'instant'})")
    page.locator('#architecture [data-term="rmsnorm"] + .help-marker').focus()
    wait_until(page, TOOLTIP)
    box = page.evaluate("() => { const r = document.getElementById('page-tooltip').getBoundingClientRect();"
                        " return {right: r.right, bottom: r.bottom}; }")
    assert box["right"] <= 1440 and box["bottom"] <= 900  # inside the viewport
    page.screenshot(path=str(artifacts / "glossary-tooltip-focus.png"))
    page.keyboard.press("Escape")
    page.evaluate("() => document.getElementById('glossary').scrollIntoView({behavior: 'instant'})")
    # No entry is wider than the content column. An entry off screen is not laid out
    # (content-visibility) and would measure as its stand-in box: draw every one for the check.
    overflow = page.evaluate("""() => {
        const entries = [...document.querySelectorAll('.glossary-entry')];
        for (const e of entries) e.style.contentVisibility = 'visible';
        const wide = entries.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.id);
        for (const e of entries) e.style.contentVisibility = '';
        return wide;
    }""")
    assert overflow == []
    page.screenshot(path=str(artifacts / "glossary-chapter.png"))
    # An entry reached from its "?" (here loaded by address) is highlighted.
    page.goto(page.url.split("#")[0] + "#glossary-rmsnorm")
    wait_until(page, "() => document.querySelector('.glossary-current')?.id === 'glossary-rmsnorm'")
    page.evaluate("() => document.getElementById('glossary-rmsnorm')"
                  ".scrollIntoView({block: 'center', behavior: 'instant'})")
    page.wait_for_timeout(100)
    page.screenshot(path=str(artifacts / "glossary-entry.png"))
