"""Chapter 7, Inference: the script's sampling loop, typed out, with its distributions."""

import math
import re

import pytest
from helpers import wait_until as poll

pytestmark = pytest.mark.browser

SECTION = "#inference"
ROW_DONE = "() => document.querySelector('#inference .inf-row')?.dataset.state === 'done'"
# The full distribution on screen: exact values (data-p) in token id order, and the marked rows.
DETAIL = """() => {
    const rows = [...document.querySelectorAll('#inference .inf-full .pb-row')];
    const marked = (cls) => rows.filter((r) => r.classList.contains(cls)).map((r) => Number(r.dataset.token));
    return {
        index: Number(document.querySelector('#inference .inf-detail').dataset.index),
        head: document.querySelector('#inference .inf-detail-head').textContent,
        probs: rows.map((r) => Number(r.dataset.p)),
        sampled: marked('is-sampled'), argmax: marked('is-argmax'),
        why: document.querySelector('#inference .inf-why').textContent,
    };
}"""
MARKED = "() => [...document.querySelectorAll('#inference .code-line.marked')].map((l) => Number(l.dataset.line))"
SAMPLE = """async (args) => {
    const r = await window.microgptGuide.call('sample', args);
    return {text: r.text, steps: r.steps.map((s) => ({probs: Array.from(s.probs), token: s.token, argmax: s.argmax}))};
}"""


def set_temperature(page, t):
    page.evaluate(
        """(t) => {
        const s = document.querySelector('#inf-temperature');
        s.value = String(t);
        s.dispatchEvent(new Event('input', {bubbles: true}));
    }""",
        t,
    )
    poll(
        page,
        """(t) => document.querySelector('#inference .inf-detail-head')
        ?.textContent.includes(`temperature = ${t.toFixed(2)}`)
        && document.querySelector('#inference .inf-row').dataset.state === 'done'""",
        t,
    )


def entropy(probs):
    return -sum(p * math.log(p) for p in probs if p > 0)


@pytest.fixture
def ready(open_page, built_page):
    rec = open_page(built_page.as_uri())
    info = rec.wait_ready()
    poll(rec.page, ROW_DONE)
    rec.page.locator(SECTION).scroll_into_view_if_needed()
    return rec, info


def test_temperature_reshapes_the_distribution(ready, artifacts):
    rec, info = ready
    page = rec.page
    assert page.input_value("#inf-temperature") == str(info["hyper"]["temperature"])
    # The slider is named by the script's own divisor, found in its sampling loop.
    assert page.text_content(".inf-temp-label") == info["roles"]["sampling"]["temperature"] == "temperature"
    assert page.is_enabled("#inf-temperature") and page.is_hidden(".inf-no-temp")
    seed = int(re.search(r"random\.seed\((\d+)\)", page.text_content(".inf-seed")).group(1))
    shown = {}
    for t in (0.3, 1.5):
        set_temperature(page, t)
        detail = page.evaluate(DETAIL)
        assert detail["index"] == 0
        answer = page.evaluate(SAMPLE, {"temperature": t, "seed": seed})
        # Every bar is the bridge's own number for this temperature and seed.
        assert detail["probs"] == answer["steps"][0]["probs"]
        assert len(detail["probs"]) == info["vocab"]["size"]
        shown[t] = detail["probs"]
        first = answer["steps"][0]
    # A low temperature sharpens: less entropy, a taller top bar.
    assert entropy(shown[0.3]) < entropy(shown[1.5])
    assert max(shown[0.3]) > max(shown[1.5])
    # The mini chart under the first character: its most likely tokens, and always the one drawn.
    mini = page.evaluate("""() => [...document.querySelectorAll('#inference .inf-step[data-index="0"] .pb-row')]
        .map((r) => [Number(r.dataset.token), Number(r.dataset.p)])""")
    ranked = sorted(range(len(shown[1.5])), key=lambda i: -shown[1.5][i])
    expected = ranked[:3] if first["token"] in ranked[:3] else [*ranked[:2], first["token"]]
    assert mini == [[i, shown[1.5][i]] for i in expected]
    assert "Untrained model (step 0)" in page.text_content(".inf-model")
    assert rec.errors == []
    page.locator(SECTION).screenshot(path=str(artifacts / "inference-temperature.png"))


def test_click_a_character_batch_and_model_step(ready, artifacts):
    rec, info = ready
    page = rec.page
    # Twenty lines, each the script's own print for one seeded draw (seeds after the one typed
    # out). Wait for them before calling `sample` here: a print made while a line is being drawn
    # would be taken for that line's.
    poll(page, "() => document.querySelector('#inference .inf-batch')?.dataset.state === 'done'", timeout=120)
    lines = page.evaluate("() => [...document.querySelectorAll('#inference .inf-line')].map((l) => l.textContent)")
    assert len(lines) == 20
    assert all(re.fullmatch(r"sample [ \d]\d: [a-z]*\n", line) for line in lines)
    seed = int(re.search(r"random\.seed\((\d+)\)", page.text_content(".inf-seed")).group(1))
    answer = page.evaluate(SAMPLE, {"temperature": info["hyper"]["temperature"], "seed": seed})
    step = answer["steps"][1]
    page.click('#inference .inf-step[data-index="1"]')
    poll(page, "() => document.querySelector('#inference .inf-detail').dataset.index === '1'")
    detail = page.evaluate(DETAIL)
    assert detail["sampled"] == [step["token"]] and detail["argmax"] == [step["argmax"]]
    assert detail["probs"] == step["probs"]
    assert "chance equal to its probability" in detail["why"]
    assert page.get_attribute('#inference .inf-step[data-index="1"]', "aria-pressed") == "true"
    # The click also opens the code on the script's position loop.
    first, last = info["phases"]["sample.position"]
    marked = page.evaluate(MARKED)
    assert marked == list(range(first, last + 1))
    second = page.evaluate(SAMPLE, {"temperature": info["hyper"]["temperature"], "seed": seed + 2})
    assert lines[1].endswith(f": {second['text']}\n")
    page.locator(SECTION).screenshot(path=str(artifacts / "inference-detail.png"))
    # Training moves the model on: the samples are marked as older, not redrawn.
    assert rec.call("step", {"count": 2})["ok"]
    poll(page, "() => document.querySelector('#inference .inf-model-note').dataset.step === '2'")
    assert page.is_visible(".inf-stale") and "step 0" in page.text_content(".inf-stale")
    page.click(".inf-again")
    poll(page, "() => document.querySelector('#inference .inf-stale').hidden")
    assert "step 2" in page.text_content(".inf-model")
    assert rec.errors == []
