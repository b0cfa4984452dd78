"""No text on the page below 12 px, and no number that wraps (issue 23, point 5).

The test walks every visible text node of every chapter, as drawn (each chapter scrolled into
view first, so that it is laid out), at a desktop's and a phone's width, and reads the size the
text is drawn at: its computed font-size, times the scale of the SVG drawing it sits in (a graph
or a diagram scaled down to fit shrinks its labels with it). A number (digits, a sign, a decimal
point, an exponent, a percent) must sit on one line. It walks the autograd playground with each
preset, and the inference chapter at the lowest temperature, where probabilities like 2.4e-25
appear. Canvas text (the charts' axes, heatmap labels) is drawn at 12 px or more by its code."""

import pytest
from helpers import wait_until

pytestmark = pytest.mark.browser

MIN_PX = 12
# Nothing is skipped: the block diagram (chapter 4) and the attention arrows (chapter 5) are
# laid out for their text at its size and never scaled down; they scroll where they do not fit.
EXCEPT = ""

# Every visible text node under `root`: [text, drawn px, selector-ish path, lines it takes].
WALK = r"""([root, minPx, except]) => {
    const scope = document.querySelector(root);
    const out = [];
    const numeric = /^[\u2212+\-]?(\d[\d,]*\.?\d*|\.\d+)(e[\u2212+\-]?\d+)?%?$/i;
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.trim();
        if (!text) continue;
        const el = node.parentElement;
        if (!el || !el.checkVisibility({checkVisibilityCSS: true, checkOpacity: true})) continue;
        if (el.closest('script, style, template, [hidden]') || (except && el.closest(except))) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0.5 && r.height > 0.5);
        if (!rects.length) continue;                    // not drawn (collapsed, clipped to nothing)
        const box = el.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) continue; // visually hidden for screen readers
        let px = parseFloat(getComputedStyle(el).fontSize);
        const svgText = el.closest('text');
        if (svgText && svgText.getScreenCTM) {
            const m = svgText.getScreenCTM();
            px *= Math.hypot(m.a, m.b);
        }
        const lines = new Set(rects.map((r) => Math.round(r.top))).size;
        const path = [];
        for (let e = el; e && e !== scope && path.length < 4; e = e.parentElement) {
            path.unshift(e.tagName.toLowerCase() + (e.classList.length ? '.' + [...e.classList].join('.') : ''));
        }
        const isNumber = numeric.test(text.replace(/\s/g, ''));
        if (px < minPx - 0.01 || (isNumber && lines > 1)) {
            out.push({text: text.slice(0, 40), px: Math.round(px * 100) / 100, path: path.join(' > '), lines});
        }
    }
    return out;
}"""

CHAPTERS = ["script", "dataset", "autograd", "parameters", "architecture", "attention", "training", "inference",
            "glossary"]

SETTLED = """() => {
    const q = (s) => document.querySelector(s);
    return q('[data-live="training"] .tr-progress')?.textContent.startsWith('step')
        && Number(q('.arch-live')?.dataset.steps || 0) > 0
        && q('[data-live="inference"] .inf-row')?.dataset.state === 'done'
        && q('[data-live="attention"] canvas.heatmap') != null
        && q('[data-live="parameters"] .pm-zoom-button') != null
        && q('.ag-toy')?.dataset.state === 'ready';
}"""


def walk(page, root):
    page.evaluate("(s) => document.querySelector(s).scrollIntoView({behavior: 'instant'})", root)
    page.wait_for_timeout(250)
    found = []
    # A long chapter is laid out a screen at a time (content-visibility): walk it in steps.
    height = page.evaluate("(s) => document.querySelector(s).getBoundingClientRect().height", root)
    for offset in range(0, int(height) + 1, 700):
        page.evaluate("([s, y]) => { const top = document.querySelector(s).getBoundingClientRect().top + scrollY;"
                      " window.scrollTo(0, top + y); }", [root, offset])
        page.wait_for_timeout(60)
        found += page.evaluate(WALK, [root, MIN_PX, EXCEPT])
    unique = {(f["text"], f["path"]): f for f in found}
    return list(unique.values())


def report(bad):
    return "\n".join(f"{b['px']:>6} px {'(wraps) ' if b['lines'] > 1 else ''}{b['text']!r} in {b['path']}" for b in bad)


@pytest.mark.parametrize("viewport", [(1440, 900), (390, 844)])
def test_every_text_is_12px_or_more_and_numbers_do_not_wrap(open_page, built_page, viewport):
    rec = open_page(built_page.as_uri(), viewport)
    rec.wait_ready()
    page = rec.page
    wait_until(page, SETTLED)
    bad = []
    for chapter in CHAPTERS + ["hero"]:
        root = f"#{chapter}" if chapter != "hero" else ".hero"
        if page.evaluate("(s) => !document.querySelector(s)", root):
            continue
        bad += walk(page, root)
    # The sidebar (or the phone's top bar) and the console's button.
    bad += page.evaluate(WALK, [".sidebar", MIN_PX, EXCEPT]) + page.evaluate(WALK, ["#console", MIN_PX, EXCEPT])

    # Each preset of the autograd playground (its graph is scaled to fit the panel).
    presets = page.evaluate("() => [...document.querySelectorAll('.ag-preset')].map((b) => b.dataset.preset)")
    for preset in presets:
        page.click(f'.ag-preset[data-preset="{preset}"]')
        wait_until(page, "(p) => document.querySelector('.ag-toy').dataset.busy === 'false' && document.querySelector("
                         "`.ag-preset[data-preset='${p}']`).getAttribute('aria-pressed') === 'true'", preset)
        bad += walk(page, ".ag-toy")

    # The trained model (checkpoint 1000) at the lowest temperature: probabilities far below
    # 1e-10, like 2.4e-25, in the 27-row chart of a position.
    page.click('[data-live="training"] .tr-jump-button[data-step="1000"]')
    wait_until(page, "() => document.querySelector('[data-live=\"training\"] .tr-progress')?.dataset.step === '1000'")
    page.evaluate("() => { const s = document.querySelector('#inf-temperature'); s.value = s.min;"
                  " s.dispatchEvent(new Event('input', {bubbles: true})); }")
    wait_until(page, "() => document.querySelector('[data-live=\"inference\"] .inf-row')?.dataset.state === 'done'")
    page.click('[data-live="inference"] .inf-step >> nth=0')
    wait_until(page, "() => document.querySelectorAll('[data-live=\"inference\"] .inf-full .pb-row').length > 0")
    wait_until(page, "() => [...document.querySelectorAll('[data-live=\"inference\"] .inf-full .pb-row')]"
                     ".some((r) => Number(r.dataset.p) < 1e-10)")
    bad += walk(page, '[data-live="inference"]')
    # Every row of the chart is one line high: nothing wrapped or misaligned.
    heights = page.evaluate("() => [...document.querySelectorAll('[data-live=\"inference\"] .inf-full .pb-row')]"
                            ".map((r) => Math.round(r.getBoundingClientRect().height))")
    assert max(heights) - min(heights) <= 2, heights

    bad = list({(b["text"], b["path"]): b for b in bad}.values())
    assert not bad, f"{len(bad)} texts under {MIN_PX} px or wrapped numbers:\n{report(bad)}"
    assert not rec.errors, rec.errors
