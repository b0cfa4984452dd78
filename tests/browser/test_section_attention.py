"""Chapter 5, attention: one heatmap per head from the bridge's `attention`, a cell's score taken
apart with numbers that multiply out to the script's own, a slider whose intervention changes
the output probabilities, a refresh after training, an edited script with 2 layers x 8 heads, and
variants: two layers of two heads, a model of classes (attention in Attention.__call__)."""

import math

import pytest
from helpers import wait_until
from variant_pages import open_variant

pytestmark = pytest.mark.browser

SECTION = '[data-live="attention"]'
LIVE = f"{SECTION} .live-body"



def counter(page, name):
    return int(page.evaluate(f"() => Number(document.querySelector('{LIVE}')?.dataset.{name} || 0)"))


def wait_counter(page, name, above):
    wait_until(page, f"() => Number(document.querySelector('{LIVE}')?.dataset.{name} || 0) > {above}")


def open_section(open_page, url):
    rec = open_page(url)
    info = rec.wait_ready()
    wait_counter(rec.page, "refreshes", 0)
    wait_counter(rec.page, "scaled", 0)
    rec.page.evaluate("() => document.getElementById('attention').scrollIntoView({behavior: 'instant'})")
    return rec, info


def click_cell(page, head, row, col):
    sel = f"{SECTION} .at-head[data-head='{head}'] canvas"
    g = page.evaluate(
        """(sel) => { const c = document.querySelector(sel); c.scrollIntoView({block: 'center', behavior: 'instant'});
                      const r = c.getBoundingClientRect(); const d = c.dataset;
                      return {x: r.left, y: r.top, cell: +d.cell, left: +d.left, top: +d.top}; }""",
        sel,
    )
    page.mouse.click(g["x"] + g["left"] + (col + 0.5) * g["cell"], g["y"] + g["top"] + (row + 0.5) * g["cell"])


def values(page, selector):
    return page.evaluate(f"() => [...document.querySelectorAll('{selector}')].map((e) => Number(e.dataset.value))")


def texts(page, selector, attr=None):
    """Each matching element's text (or data attribute `attr`)."""
    get = f"e.dataset.{attr}" if attr else "e.textContent"
    return page.evaluate(f"() => [...document.querySelectorAll('{selector}')].map((e) => {get})")


def shown_probs(page):
    js = f"""() => Object.fromEntries([...document.querySelectorAll('{SECTION} .at-probs .pb-row')]
              .map((r) => [r.dataset.token, r.querySelector('.pb-value').textContent]))"""
    return page.evaluate(js)


def test_cell_breakdown_multiplies_out_and_the_slider_changes_the_output(open_page, built_page, artifacts):
    rec, info = open_section(open_page, built_page.as_uri())
    page = rec.page
    bridge = rec.call("attention", {"word": "cat"})
    assert bridge["ok"], bridge
    n_head = bridge["result"]["n_head"]
    assert n_head == 4 and page.locator(f"{SECTION} .at-head canvas").count() == n_head
    assert page.locator(f"{SECTION} .at-layers").is_hidden()  # one layer: no picker
    # Every head gets a pattern name from the documented rule.
    patterns = texts(page, f"{SECTION} .at-head", "pattern")
    assert set(patterns) <= {"bos", "self", "previous", "spread"}

    # Click head 1, query 3 ("t"), key 1 ("c"): the breakdown follows the bridge's own numbers.
    click_cell(page, 1, 3, 1)
    dot = f"{SECTION} .at-dot-card .live-card-body"
    picked = "(sel) => { const d = document.querySelector(sel).dataset; return [d.head, d.query, d.key].join(); }"
    wait_until(page, f"(sel) => ({picked})(sel) === '1,3,1'", dot)
    head_dim = bridge["result"]["head_dim"]
    cell = bridge["result"]["base"]["heads"][0][1][3]
    q = values(page, f"{SECTION} .at-dot .is-q")
    k = values(page, f"{SECTION} .at-dot .is-k")
    prods = values(page, f"{SECTION} .at-dot .is-prod")
    assert q == cell["query"] and k == cell["keys"][1]
    assert prods == pytest.approx([a * b for a, b in zip(q, k, strict=True)], abs=1e-12)
    (total,) = values(page, f"{SECTION} .at-sum")
    (logit,) = values(page, f"{SECTION} .at-logit")
    (factor,) = values(page, f"{SECTION} .at-factor")
    assert total == pytest.approx(sum(prods), abs=1e-12)
    assert logit == cell["scores"][1]
    # The script's scale, read off its numbers: for microgpt.py, 1 / sqrt(head_dim).
    assert factor == pytest.approx(1 / math.sqrt(head_dim), abs=1e-9)
    # The weights are the script's own, not recomputed.
    weights = values(page, f"{SECTION} .at-softmax .at-weight")
    assert weights == cell["weights"]
    # The script's own names head the columns.
    names = bridge["result"]["names"]
    heads = texts(page, f"{SECTION} .at-dot thead th") + texts(page, f"{SECTION} .at-softmax thead th")
    assert f"{names['query']}[j]" in heads and names["scores"] in heads and names["weights"] in heads
    # The arrows for the picked head: one per visible (query, key) pair, 1 + 2 + 3 + 4 for "cat".
    assert page.locator(f"{SECTION} .at-arrow").count() == 10
    page.screenshot(path=str(artifacts / "attention-heads.png"))

    # The code link opens the script's gpt() with the bridge's attention lines highlighted.
    page.locator(f"{SECTION} .at-heads-card .code-link").click()
    marked = texts(page, f"{SECTION} .code-panel .code-line.marked", "line")
    lines = bridge["result"]["lines"]
    assert [int(n) for n in marked] == [lines["scores"], lines["weights"], lines["out"]]
    assert "attn_weights = softmax(attn_logits)" in page.locator(f"{SECTION} .code-panel").inner_text()

    # The slider to 0 (uniform): the bridge reruns the script with the head's weights changed.
    base_probs = shown_probs(page)
    scaled = counter(page, "scaled")
    page.locator(f"{SECTION} .at-slider").fill("0")
    wait_counter(page, "scaled", scaled)
    wait_until(page, f"() => document.querySelector('{LIVE}').dataset.amount === '0'")
    after = texts(page, f"{SECTION} .at-compare .at-after")[:4]
    assert len(set(after)) == 1  # four keys, equal weights
    assert shown_probs(page) != base_probs
    page.locator(f"{SECTION} .at-scale-card").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "attention-slider.png"))

    # An unknown character: a message, not a crash.
    page.locator(f"{SECTION} .at-word").fill("c@t")
    page.locator(f"{SECTION} .at-word").press("Enter")
    wait_until(page, f"() => document.querySelector('{SECTION} .at-message.is-error')?.textContent.includes('@')")

    # Training changes the weights: the section refetches after the 'model-changed' event.
    page.locator(f"{SECTION} .at-word").fill("cat")
    page.locator(f"{SECTION} .at-word").press("Enter")
    wait_until(page, f"() => !document.querySelector('{SECTION} .at-message.is-error')")
    before = counter(page, "refreshes")
    assert rec.call("step", {"count": 20})["ok"]
    wait_counter(page, "refreshes", before)
    trained = rec.call("attention", {"word": "cat"})["result"]["base"]["heads"][0][1][3]
    assert trained["weights"] != cell["weights"]
    page.locator(f"{SECTION} .at-heads-card").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "attention-trained.png"))
    assert not rec.errors, rec.errors



def effect_of(page):
    """The change card's numbers: the largest signed change shown, its token, the change kind."""
    return page.evaluate(f"""() => {{ const e = document.querySelector('{SECTION} .at-effect').dataset;
        const l = document.querySelector('{LIVE}').dataset;
        return {{change: Number(e.largestChange), token: e.largestToken, kind: l.change}}; }}""")


def choose_change(page, kind, every=False):
    before = counter(page, "scaled")
    box = page.locator(f"{SECTION} .at-every")
    if box.is_checked() != every:
        box.set_checked(every)
        wait_counter(page, "scaled", before)
        before = counter(page, "scaled")
    radio = page.locator(f"{SECTION} .at-kind[data-kind='{kind}'] input")
    if not radio.is_checked():
        radio.check()
        wait_counter(page, "scaled", before)


def test_the_change_after_checkpoint_1000_is_visible_and_said(open_page, built_page, artifacts):
    """After the jump to step 1000, knocking out every head moves a next-token probability by
    points the page prints as a signed number, the same the bridge computed in its own forward."""
    rec, _ = open_section(open_page, built_page.as_uri())
    page = rec.page
    page.evaluate("() => document.getElementById('training').scrollIntoView({behavior: 'instant'})")
    jump = '[data-live="training"] .tr-jump-button[data-step="1000"]'
    wait_until(page, "(s) => document.querySelector(s) && !document.querySelector(s).disabled", jump)
    refreshes = counter(page, "refreshes")
    page.click(jump)
    wait_counter(page, "refreshes", refreshes)
    assert rec.call("info", {})["result"]["step"] == 1000
    page.evaluate("() => document.getElementById('attention').scrollIntoView({behavior: 'instant'})")
    word = "ann"
    page.locator(f"{SECTION} .at-word").fill(word)
    refreshes = counter(page, "refreshes")
    page.locator(f"{SECTION} .at-word").press("Enter")
    wait_counter(page, "refreshes", refreshes)
    query = len(word)  # the last query: after the word's last letter

    # Scores x 1: nothing changed, and the card says so with a 0.
    assert effect_of(page)["change"] == 0

    choose_change(page, "knockout", every=True)
    shown = effect_of(page)
    assert shown["kind"] == "zero:every"
    knockout = {"layer": 0, "head": 0, "kind": "zero", "every": True}
    bridge = rec.call("attention", {"word": word, "intervention": knockout})
    eff = bridge["result"]["intervened"]["effect"][query]
    assert shown["change"] == eff["largest"]["change"] and int(shown["token"]) == eff["largest"]["token"]
    assert abs(shown["change"]) >= 0.02, shown  # at least 2 points: the bars visibly move
    sentence = page.text_content(f"{SECTION} .at-effect-sentence")
    assert sentence.startswith("Knocking out every head moves") and "points" in sentence
    # Every token's change, signed, largest first: the list has one row per vocabulary entry.
    changes = texts(page, f"{SECTION} .at-chg", "change")
    assert len(changes) == rec.call("info", {})["result"]["vocab"]["size"]
    assert [float(c) for c in changes] == sorted(eff["change"], key=abs, reverse=True)
    nums = texts(page, f"{SECTION} .at-chg-num")
    assert nums[0][0] in "+−" and nums[0][1:] == f"{abs(100 * eff['largest']['change']):.1f}"
    page.locator(f"{SECTION} .at-scale-card").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "attention-knockout-every.png"))

    # One head knocked out: its output row is all zeros, the sentence names the head.
    choose_change(page, "knockout", every=False)
    assert set(texts(page, f"{SECTION} .at-compare .at-after")[-4:]) == {"0"}
    assert page.text_content(f"{SECTION} .at-effect-sentence").startswith("Knocking out head 0")
    # Hard attention: all weight on the picked key, for the picked query.
    choose_change(page, "hard")
    after = texts(page, f"{SECTION} .at-compare .at-after")[: query + 1]
    assert after.count("100.0%") == 1 and set(after) == {"100.0%", "0"}
    assert page.text_content(f"{SECTION} .at-effect-sentence").startswith("Putting all of head 0's weight on key")
    assert not rec.errors, rec.errors


def test_two_layers_of_eight_heads(open_page, wide_page, artifacts):
    rec, _ = open_section(open_page, wide_page.as_uri())
    page = rec.page
    assert page.locator(f"{SECTION} .at-head canvas").count() == 8
    assert page.locator(f"{SECTION} .at-layers button").count() == 2
    first = texts(page, f"{SECTION} .at-softmax .at-weight", "value")
    layer1 = f"{SECTION} .at-layers button[data-layer='1']"
    page.locator(layer1).click()
    wait_until(page, "(sel) => document.querySelector(sel).getAttribute('aria-pressed') === 'true'", layer1)
    second = texts(page, f"{SECTION} .at-softmax .at-weight", "value")
    assert first != second
    bridge = rec.call("attention", {"word": "cat"})["result"]
    assert (bridge["n_layer"], bridge["n_head"]) == (2, 8)
    assert [float(v) for v in second] == bridge["base"]["heads"][1][0][3]["weights"]
    page.locator(f"{SECTION} .at-heads-card").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "attention-wide.png"))
    assert not rec.errors, rec.errors


def test_two_layers_of_two_heads(open_page, tmp_path_factory, artifacts):
    rec, _ = open_variant(open_page, tmp_path_factory, "two_layers_two_heads")
    page = rec.page
    wait_counter(page, "refreshes", 0)
    page.evaluate("() => document.getElementById('attention').scrollIntoView({behavior: 'instant'})")
    bridge = rec.call("attention", {"word": "cat"})["result"]
    assert (bridge["n_layer"], bridge["n_head"]) == (2, 2)
    assert page.locator(f"{SECTION} .at-head canvas").count() == 2
    assert page.locator(f"{SECTION} .at-layers button").count() == 2
    page.locator(f"{SECTION} .at-layers button[data-layer='1']").click()
    click_cell(page, 1, 2, 0)
    dot = f"{SECTION} .at-dot-card .live-card-body"
    picked = "(sel) => { const d = document.querySelector(sel).dataset; return d.head === '1' && d.query === '2'; }"
    wait_until(page, picked, dot)
    assert values(page, f"{SECTION} .at-softmax .at-weight") == bridge["base"]["heads"][1][1][2]["weights"]
    assert "layer 1, head 1" in page.text_content(f"{SECTION} .at-arrows-caption")
    page.locator(f"{SECTION} .at-heads-card").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "attention-two-two.png"))
    assert not rec.errors, rec.errors


def test_a_model_of_classes_shows_its_attention_method(open_page, tmp_path_factory, artifacts):
    """The attention is in Attention.__call__: its locals by the script's names, its lines."""
    rec, info = open_variant(open_page, tmp_path_factory, "model_classes_gelu")
    page = rec.page
    wait_counter(page, "refreshes", 0)
    page.evaluate("() => document.getElementById('attention').scrollIntoView({behavior: 'instant'})")
    bridge = rec.call("attention", {"word": "cat"})["result"]
    assert bridge["func"] == "Attention.__call__"
    assert page.locator(f"{SECTION} .at-head canvas").count() == bridge["n_head"]
    labels = texts(page, f"{SECTION} .at-arrow-label")
    assert labels[:4] == bridge["labels"][:4]
    page.locator(f"{SECTION} .at-heads-card .code-link").click()
    marked = [int(n) for n in texts(page, f"{SECTION} .code-panel .code-line.marked", "line")]
    assert marked == sorted([bridge["lines"]["scores"], bridge["lines"]["weights"], bridge["lines"]["out"]])
    first, last = info["phases"]["Attention.__call__"]
    shown = [int(n) for n in texts(page, f"{SECTION} .code-panel .code-line", "line")]
    assert first in shown and last in shown
    assert "def __call__(self, x, cache)" in page.locator(f"{SECTION} .code-panel").inner_text()
    page.screenshot(path=str(artifacts / "attention-classes.png"))
    assert not rec.errors, rec.errors


ARROWS = """() => {
    const box = document.querySelector('.at-arrows-scroll');
    const view = box.getBoundingClientRect();
    const px = [...box.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize)
        * Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b));
    const picked = box.querySelector('.at-arrow-label.is-on').getBoundingClientRect();
    return {scroll: box.scrollWidth, client: box.clientWidth, tabindex: box.getAttribute('tabindex'),
            label: box.getAttribute('aria-label'), labels: box.querySelectorAll('.at-arrow-label').length,
            minPx: Math.min(...px), pickedShown: picked.left >= view.left && picked.right <= view.right};
}"""


def test_on_a_phone_the_arrows_keep_their_text_size_and_scroll_when_the_word_is_long(open_page, built_page, artifacts):
    """The arrows are never scaled down (issue 23, point 5: no text under 12 px): a short word's
    arrows are spaced to fit the phone's card; a long word's scroll sideways in a box that takes
    keyboard focus, scrolled to the picked query."""
    rec = open_page(built_page.as_uri(), (390, 844))
    rec.wait_ready()
    page = rec.page
    wait_counter(page, "refreshes", 0)
    page.locator(f"{SECTION} .at-arrows-card").scroll_into_view_if_needed()
    # Drawn again for the card's width once the card is laid out (a frame after it shows).
    wait_until(page, "() => { const b = document.querySelector('.at-arrows-scroll');"
                     " return b.scrollWidth <= b.clientWidth + 1; }")
    short = page.evaluate(ARROWS)
    assert short["scroll"] <= short["client"] + 1 and short["tabindex"] is None, short
    assert short["minPx"] >= 12, short
    word = "christopher"
    page.fill(f"{SECTION} .at-word", word)
    page.press(f"{SECTION} .at-word", "Enter")
    wait_until(page, "(n) => document.querySelectorAll('.at-arrows-scroll .at-arrow-label').length === n",
               2 * (len(word) + 1))
    page.locator(f"{SECTION} .at-arrows-card").scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    long = page.evaluate(ARROWS)
    assert long["scroll"] > long["client"] + 1, long
    assert long["tabindex"] == "0" and long["label"], long
    assert long["minPx"] >= 12 and long["pickedShown"], long
    page.locator(f"{SECTION} .at-arrows-card").screenshot(path=str(artifacts / "attention-arrows-phone-long-word.png"))
    assert rec.errors == []
