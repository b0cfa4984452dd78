"""Chapter 6's long runs and its end (issue 23, points 3 and 4): Space scrolls the page unless a
control has focus (it never starts a run); "To the end" says how long it takes before it starts
(a first step measures the page's rate) and is one click from stopping; once the loop is over,
the document card says so with the script's own loop length and how to train longer, and Pause
is no brighter than the disabled buttons."""

import pytest
from helpers import wait_until

pytestmark = pytest.mark.browser

LIVE = '[data-live="training"]'


def steps_seen(page):
    return int(page.evaluate(f"() => document.querySelector('{LIVE} .live-body').dataset.steps || 0"))


def running(page):
    return page.evaluate(f"() => document.querySelector('{LIVE} .live-body').dataset.running === 'true'")


def idle(page):
    wait_until(page, f"() => document.querySelector('{LIVE} .live-body').dataset.running !== 'true'")


def ready(open_page, built_page, viewport=(1440, 900)):
    rec = open_page(built_page.as_uri(), viewport)
    rec.wait_ready()
    page = rec.page
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-progress')?.textContent.startsWith('step 0')")
    return rec, page


def test_space_scrolls_and_never_starts_a_run(open_page, built_page):
    rec, page = ready(open_page, built_page)
    page.evaluate("() => document.getElementById('training').scrollIntoView({behavior: 'instant'})")
    for target in (LIVE, f"{LIVE} .tr-loss-card"):
        page.evaluate("(s) => { const e = document.querySelector(s);"
                      " if (!e.hasAttribute('tabindex')) e.tabIndex = -1; e.focus(); }", target)
        y = page.evaluate("() => window.scrollY")
        page.keyboard.press(" ")
        page.wait_for_timeout(600)
        assert not running(page) and steps_seen(page) == 0, target
        assert page.evaluate("() => window.scrollY") > y, f"Space on {target} did not scroll"
        page.evaluate("() => document.getElementById('training').scrollIntoView({behavior: 'instant'})")
    assert not rec.errors, rec.errors


def test_to_the_end_says_how_long_first_and_stops_in_one_click(open_page, built_page, artifacts):
    rec, page = ready(open_page, built_page)
    end = f'{LIVE} button[data-action="end"]'
    # Slowest speed, so the run is still going when Pause is pressed.
    page.evaluate(f"() => {{ const s = document.querySelector('{LIVE} .tr-speed'); s.value = '40';"
                  " s.dispatchEvent(new Event('input')); }")
    assert page.text_content(end) == "To the end"  # no rate measured yet
    page.click(end)
    idle(page)
    # The first press ran one step only, to measure; the button and the progress line say how long.
    assert steps_seen(page) == 1
    wait_until(page, f"() => document.querySelector('{end}').dataset.estimate !== ''")
    label = page.text_content(end)
    assert label.startswith("To the end (~") and ":" in label, label
    progress = page.text_content(f"{LIVE} .tr-progress")
    assert "999 remaining steps take about" in progress and "again" in progress, progress
    estimate = int(page.get_attribute(end, "data-estimate"))
    assert estimate >= 999 * 0.36 * 0.9  # the slider's pause (0.36 s a step at 40) is counted
    page.evaluate("() => document.querySelector('[data-live=\"training\"] .tr-top').scrollIntoView()")
    page.screenshot(path=str(artifacts / "training-end-estimate.png"))

    page.click(end)
    wait_until(page, lambda_running())
    # The progress line is redrawn on the next frame after the run starts.
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-progress').textContent.includes('Pause stops the run')")
    assert page.evaluate("() => document.activeElement.dataset.action") == "pause"
    wait_until(page, f"() => Number(document.querySelector('{LIVE} .live-body').dataset.steps) >= 2")
    page.click(f'{LIVE} button[data-action="pause"]')  # one click
    idle(page)
    stopped = steps_seen(page)
    page.wait_for_timeout(1200)
    assert steps_seen(page) == stopped < 20
    assert not rec.errors, rec.errors


def lambda_running():
    return f"() => document.querySelector('{LIVE} .live-body').dataset.running === 'true'"


BRIGHTNESS = """(s) => {
    const b = document.querySelector(s);
    const css = getComputedStyle(b);
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
    const lum = (c) => rgb(c).reduce((a, x) => a + x, 0);
    return {opacity: Number(css.opacity), text: lum(css.color), border: lum(css.borderTopColor), disabled: b.disabled};
}"""


@pytest.mark.parametrize("viewport", [(1440, 900), (390, 844)])
def test_after_the_last_step_the_card_says_the_loop_is_over(open_page, built_page, artifacts, viewport):
    rec, page = ready(open_page, built_page, viewport)
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-jump')?.hidden === false")
    page.click(f'{LIVE} .tr-jump-button[data-step="1000"]')
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-progress')?.dataset.step === '1000'")
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-over')?.hidden === false")
    card = page.text_content(f"{LIVE} .tr-doc-card")
    over = page.text_content(f"{LIVE} .tr-over")
    # The script's own loop and the constant that sets its length, read from the script.
    assert "for step in range(num_steps)" in over and "num_steps` is 1000" not in over
    assert "num_steps is 1000" in over and "make num_steps larger" in over, over
    assert "Train 1 step" not in card and "1001" not in card, card
    # Every train button is off, and Pause does not stand out from them.
    buttons = page.evaluate(f"() => [...document.querySelectorAll('{LIVE} .tr-buttons button:not([hidden])')]"
                            ".map((b) => b.dataset.action)")
    looks = {a: page.evaluate(BRIGHTNESS, f'{LIVE} .tr-buttons button[data-action="{a}"]') for a in buttons}
    assert all(v["disabled"] for v in looks.values()), looks
    for action, v in looks.items():
        if action == "pause":
            continue
        assert looks["pause"]["opacity"] <= v["opacity"] and looks["pause"]["border"] <= v["border"] + 1, looks
        assert looks["pause"]["text"] <= v["text"] + 1, looks
    page.evaluate(f"() => document.querySelector('{LIVE} .tr-doc-card').scrollIntoView({{block: 'center'}})")
    page.wait_for_timeout(400)
    page.screenshot(path=str(artifacts / f"training-over-{viewport[0]}.png"))
    assert not rec.errors, rec.errors
