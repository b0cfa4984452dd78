"""The page by keyboard: Tab order and visible focus in every chapter, the "?" list of
shortcuts, the chapters' own keys (arrows in the step-through, Enter in the training loop and
Space on its Pause button, Escape for zoomed views and tooltips), and prefers-reduced-motion."""

import pytest
from conftest import RecordedPage
from helpers import wait_until

pytestmark = pytest.mark.browser

CHAPTERS = ["script", "dataset", "autograd", "parameters", "architecture", "attention", "training", "inference", "runs"]
ACCENT = "rgb(199, 146, 234)"  # --accent in styles/tokens.css
TRAINING = '[data-live="training"]'
ARCH = ".arch-live"
MAX_TABS = 400

# Every drawn chapter, so Tab walks the whole page as a learner finds it.
SETTLED = """() => {
    const q = (s) => document.querySelector(s);
    return q('[data-live="training"] .tr-progress')?.textContent.startsWith('step')
        && Number(q('.arch-live')?.dataset.steps || 0) > 0
        && q('[data-live="inference"] .inf-row')?.dataset.state === 'done'
        && q('[data-live="inference"] .inf-batch')?.dataset.state === 'done'
        && q('[data-live="attention"] canvas.heatmap') != null
        && q('[data-live="parameters"] .pm-zoom-button') != null;
}"""

# What has focus now: its chapter, an accessible name, its focus ring (for the editor, its
# frame's), and whether it comes after the element focused before it in document order.
FOCUSED = """() => {
    const a = document.activeElement;
    if (!a || a === document.body) return null;
    const prev = window.__tabPrev;
    window.__tabPrev = a;
    // The editor's ring is drawn over its frame (styles/a11y.css).
    const editor = a.classList.contains('cm-content') ? getComputedStyle(a.closest('.cm-editor'), '::after') : null;
    const cs = getComputedStyle(a);
    const ring = editor ? [editor.borderTopStyle, editor.borderTopWidth, editor.borderTopColor]
        : [cs.outlineStyle, cs.outlineWidth, cs.outlineColor];
    const labelledby = (a.getAttribute('aria-labelledby') || '').split(' ')
        .map((id) => document.getElementById(id)?.textContent).join('');
    const name = (a.getAttribute('aria-label') || labelledby || [...(a.labels || [])].map((l) => l.textContent).join('')
        || a.textContent || a.title || '').trim();
    return {
        tag: a.tagName, cls: String(a.getAttribute('class') || ''), name,
        chapter: a.closest('section.chapter')?.id ?? null,
        outline: ring,
        // The script's plain-text preview leaves the page when focus brings in the real editor
        // (js/editor/lazy-editor.js, loaded asynchronously): a stop that is gone has no order.
        inOrder: !prev || !prev.isConnected || prev === a
            || Boolean(prev.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING),
        again: prev === a,
    };
}"""


@pytest.fixture(scope="module")
def guide(chromium, built_page):
    """One booted page for the tests that do not change how the browser renders."""
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    rec = RecordedPage(page)
    page.goto(built_page.as_uri())
    rec.wait_ready()
    wait_until(page, SETTLED)
    yield rec
    context.close()


def scroll_to(page, selector):
    page.evaluate("(s) => document.querySelector(s).scrollIntoView({behavior: 'instant', block: 'center'})", selector)


def active(page):
    return page.evaluate("() => document.activeElement?.className || document.activeElement?.tagName")


def test_tab_reaches_every_chapters_controls_in_order_with_a_visible_ring(guide):
    page = guide.page
    page.evaluate("() => { window.__tabPrev = null; }")
    page.focus(".skip-link")  # the first stop; Tab walks on from here
    visited = [page.evaluate(FOCUSED)]
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:  # past the last control: back on the page itself, no trap on the way
            break
        visited.append(focused)
    else:
        pytest.fail(f"Tab did not reach the end of the page in {MAX_TABS} presses")

    assert visited[0]["cls"] == "skip-link"
    assert any(v["cls"] == "shortcuts-button" for v in visited)
    reached = list(dict.fromkeys(v["chapter"] for v in visited if v["chapter"]))
    assert set(CHAPTERS) <= set(reached)
    # Chapters come one after another, each once: document order, no jumping back.
    in_page = page.evaluate("() => [...document.querySelectorAll('section.chapter')].map((s) => s.id)")
    assert reached == [c for c in in_page if c in reached]
    out_of_order = [v for v in visited if not v["inOrder"] or v["again"]]
    assert not out_of_order, out_of_order
    unnamed = [v for v in visited if not v["name"]]
    assert not unnamed, unnamed
    # One focus ring everywhere (the controls that style focus their own way included).
    no_ring = [v for v in visited if v["outline"][0] != "solid" or v["outline"][2] != ACCENT
               or float(v["outline"][1].rstrip("px")) < 2]
    assert not no_ring, no_ring
    kinds = {v["tag"] for v in visited}
    assert {"A", "BUTTON", "INPUT", "SELECT", "CANVAS", "SUMMARY"} <= kinds
    assert any("cm-content" in v["cls"] or "script-preview" in v["cls"] for v in visited)  # the editor, and out again


def test_focus_ring_screenshot(guide, artifacts):
    page = guide.page
    scroll_to(page, f"{TRAINING} .tr-top")
    page.focus(f"{TRAINING} .tr-speed")
    page.keyboard.press("Shift+Tab")  # a keyboard move, so the focus is :focus-visible
    assert page.evaluate("() => document.activeElement.dataset.action") == "end"
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineColor") == ACCENT
    page.screenshot(path=str(artifacts / "keyboard-focus-ring.png"))


def test_question_mark_lists_the_shortcuts_and_escape_gives_focus_back(guide, artifacts):
    page = guide.page
    scroll_to(page, "#attention")
    page.focus('[data-live="attention"] .at-word')
    page.keyboard.press("Shift+Tab")  # the control before the word field
    before = page.evaluate("() => { window.__before = document.activeElement; return document.activeElement.tagName; }")
    assert before
    page.keyboard.press("?")
    dialog = "dialog.shortcuts-dialog"
    assert page.evaluate(f"() => document.querySelector('{dialog}')?.open")
    assert page.evaluate(f"() => document.querySelector('{dialog}').contains(document.activeElement)")
    assert page.text_content(f"{dialog} .modal-title") == "Keyboard shortcuts"
    rows = page.evaluate(f"() => [...document.querySelectorAll('{dialog} tbody tr')].map((r) => r.textContent)")
    for key in ("?", "Esc", "→", "Enter", "Space", "Tab"):
        assert any(key in r for r in rows), key
    page.screenshot(path=str(artifacts / "keyboard-shortcuts-dialog.png"))
    # The dialog is modal: Tab stays inside it.
    for _ in range(3):
        page.keyboard.press("Tab")
        assert page.evaluate(f"() => document.querySelector('{dialog}').contains(document.activeElement)"
                             " || document.activeElement === document.body")
    page.keyboard.press("Escape")
    assert not page.evaluate(f"() => document.querySelector('{dialog}').open")
    assert page.evaluate("() => document.activeElement === window.__before")

    # The sidebar button opens the same list.
    page.click("#shortcuts-button")
    assert page.evaluate(f"() => document.querySelector('{dialog}').open")
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.id") == "shortcuts-button"

    # A "?" typed into a text field or the code editor is text, not a shortcut.
    page.focus('[data-live="attention"] .at-word')
    page.keyboard.press("End")
    page.keyboard.press("?")
    assert page.input_value('[data-live="attention"] .at-word').endswith("?")
    page.keyboard.press("Backspace")
    assert not page.evaluate(f"() => document.querySelector('{dialog}').open")
    scroll_to(page, "#script-workbench")
    # The editor is made on first use (js/editor/lazy-editor.js): a click brings it, a second one focuses it.
    page.click("#script-workbench :is(.script-preview, .cm-content)")
    page.click("#script-workbench .cm-content")
    page.keyboard.press("?")
    assert not page.evaluate(f"() => document.querySelector('{dialog}').open")
    assert "?" in page.text_content("#script-workbench .cm-content")
    page.keyboard.press("Backspace")
    assert guide.errors == []


def test_arrow_keys_step_through_gpt(guide):
    page = guide.page
    scroll_to(page, ARCH)
    page.focus(ARCH)
    start = int(page.evaluate(f"() => document.querySelector('{ARCH}').dataset.step"))
    if start > 0:
        for _ in range(start):
            page.keyboard.press("ArrowLeft")
    assert page.evaluate(f"() => document.querySelector('{ARCH}').dataset.step") == "0"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"() => document.querySelector('{ARCH}').dataset.step") == "2"
    assert page.text_content(f"{ARCH} .arch-counter").startswith("step 3 /")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(f"() => document.querySelector('{ARCH}').dataset.step") == "1"
    # Prev at the first step gets disabled: focus stays in the step-through, not lost.
    page.focus(f"{ARCH} .arch-prev")
    page.keyboard.press("Enter")
    assert page.evaluate(f"() => document.querySelector('{ARCH}').dataset.step") == "0"
    assert page.evaluate(f"() => document.activeElement === document.querySelector('{ARCH}')")
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"() => document.querySelector('{ARCH}').dataset.step") == "1"


def steps_seen(page):
    return int(page.evaluate(f"() => document.querySelector('{TRAINING} .live-body').dataset.steps || 0"))


def steps_at_least(page, count):
    wait_until(page, f"() => Number(document.querySelector('{TRAINING} .live-body').dataset.steps || 0) >= {count}")


def running(page):
    return page.evaluate(f"() => document.querySelector('{TRAINING} .live-body').dataset.running === 'true'")


def idle(page):
    wait_until(page, f"() => document.querySelector('{TRAINING} .live-body').dataset.running !== 'true'")


def test_enter_trains_one_step_and_space_pauses_from_the_pause_button(guide):
    page = guide.page
    scroll_to(page, TRAINING)
    page.focus(TRAINING)
    before = steps_seen(page)
    page.keyboard.press("Enter")
    steps_at_least(page, before + 1)
    idle(page)
    assert steps_seen(page) == before + 1
    # Space on the chapter is the page's: it never starts a run (test_training_runs.py).
    page.focus(TRAINING)
    page.keyboard.press(" ")
    page.wait_for_timeout(300)
    assert not running(page) and steps_seen(page) == before + 1

    # Slowest speed, so a run is still going when Space pauses it.
    page.evaluate(f"() => {{ const s = document.querySelector('{TRAINING} .tr-speed'); s.value = '0';"
                  " s.dispatchEvent(new Event('input')); }")
    # A train started from a button hands focus to Pause, and back to the chapter after.
    page.focus(f'{TRAINING} button[data-action="10"]')
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.dataset.action") == "pause"
    page.keyboard.press(" ")  # Space on the Pause button: a click
    idle(page)
    assert page.evaluate(f"() => document.activeElement === document.querySelector('{TRAINING}')")
    assert guide.errors == []


def test_escape_closes_the_zoom_and_a_tooltip(guide):
    page = guide.page
    zoom = "dialog.pm-zoom"
    scroll_to(page, '[data-live="parameters"] .pm-zoom-button')
    page.focus('[data-live="parameters"] .pm-zoom-button')
    page.keyboard.press("Enter")
    assert page.evaluate(f"() => document.querySelector('{zoom}').open")
    page.keyboard.press("Escape")
    assert not page.evaluate(f"() => document.querySelector('{zoom}').open")
    assert "pm-zoom-button" in active(page)

    marker = '[data-live="inference"] .inf-temp-name .help-marker'
    scroll_to(page, marker)
    page.focus(marker)
    assert page.evaluate("() => !document.querySelector('.tooltip').hidden")
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.querySelector('.tooltip').hidden")


# Snapshots of the sample row as it changes: [characters shown, characters in the row].
WATCH_ROW = """() => {
    window.__rowSeen = [];
    const row = document.querySelector('[data-live="inference"] .inf-row');
    window.__rowWatch?.disconnect();
    window.__rowWatch = new MutationObserver(() => {
        const steps = row.querySelectorAll('.inf-step');
        if (steps.length) window.__rowSeen.push([row.querySelectorAll('.inf-step.is-shown').length, steps.length]);
    });
    window.__rowWatch.observe(row, {subtree: true, childList: true, attributes: true, attributeFilter: ['class']});
}"""


def sample_again(page):
    page.evaluate(WATCH_ROW)
    page.click('[data-live="inference"] .inf-again')
    wait_until(page, "() => document.querySelector('[data-live=\"inference\"] .inf-row').dataset.state === 'done'"
                     " && window.__rowSeen.length")
    return page.evaluate("() => window.__rowSeen")


def test_reduced_motion_shows_everything_at_once(chromium, built_page):
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, reduced_motion="reduce")
    try:
        page = context.new_page()
        rec = RecordedPage(page)
        page.goto(built_page.as_uri())
        rec.wait_ready()
        wait_until(page, "() => document.querySelector('[data-live=\"inference\"] .inf-row')?.dataset.state === 'done'")
        scroll_to(page, '[data-live="inference"] .inf-again')
        seen = sample_again(page)
        assert all(shown in (0, total) for shown, total in seen), seen  # never part of the name
        # No transition or CSS animation anywhere, and scrolling jumps.
        moving = page.evaluate("""() => [...document.querySelectorAll('*')].filter((e) => {
            const cs = getComputedStyle(e);
            const durations = (cs.transitionDuration + ',' + cs.animationDuration).split(',').map(parseFloat);
            return (cs.transitionProperty !== 'none' && durations.some((d) => d > 0)) || cs.animationName !== 'none';
        }).map((e) => e.className).slice(0, 5)""")
        assert moving == []
        assert page.evaluate("() => getComputedStyle(document.querySelector('.inf-step')).transitionProperty") == "none"
        assert page.evaluate("() => getComputedStyle(document.documentElement).scrollBehavior") == "auto"

        # The same page with motion allowed types the name out, one character at a time.
        page.emulate_media(reduced_motion="no-preference")
        seen = sample_again(page)
        assert any(0 < shown < total for shown, total in seen), seen
        assert rec.errors == []
    finally:
        context.close()
