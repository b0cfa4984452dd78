"""Chapter 6, the training loop: the page trains through the worker's streaming loop, draws the
script's own numbers (loss, per-position losses, the schedule, the update of watched parameters
as the script's own update lines make it) and stays responsive; and variants: one backward per
position (the step's loss is the sum of its terms), a separate EOS token."""

import json
import time

import pytest
from conftest import RecordedPage
from helpers import wait_until
from variant_pages import edited_page, open_variant

pytestmark = pytest.mark.browser

LIVE = '[data-live="training"]'

# Registered before the page loads: every main-thread task over 50 ms, with its start time.
LONGTASKS = """
window.__longtasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longtasks.push({start: e.startTime, duration: e.duration});
}).observe({type: 'longtask', buffered: true});
"""



def steps_seen(page):
    return int(page.evaluate(f"() => document.querySelector('{LIVE} .live-body').dataset.steps || 0"))


def open_training(chromium, url, init_script=None):
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    rec = RecordedPage(page)
    page.goto(url)
    info = rec.wait_ready()
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-progress')?.textContent.startsWith('step')")
    page.evaluate("() => document.getElementById('training').scrollIntoView({behavior: 'instant'})")
    return context, rec, info


def train(page, action, expect_steps):
    page.click(f'{LIVE} button[data-action="{action}"]')
    wait_until(page, f"() => Number(document.querySelector('{LIVE} .live-body').dataset.steps || 0) >= {expect_steps}")
    wait_until(page, lambda_idle())
    # A step is drawn over the next two animation frames (Adam's table, then the curves): the
    # checks below read what the page shows, so they wait for the curve to hold every step.
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-loss-card canvas').dataset.points === '{expect_steps}'")


def scroll_to(page, selector):
    page.evaluate(
        "(s) => { document.querySelector(s).scrollIntoView({behavior: 'instant', block: 'start'});"
        " window.scrollBy(0, -20); }",
        f"{LIVE} {selector}",
    )


def lambda_idle():
    return (
        f"() => document.querySelector('{LIVE} .live-body').dataset.running !== 'true'"
        f" && !document.querySelector('{LIVE} [data-action=\"1\"]').disabled"
    )


def adam_rows(page):
    """Each row of the update table: {index, update, <column key>: value}."""
    return page.evaluate(
        f"""() => [...document.querySelectorAll('{LIVE} .tr-adam-table tbody tr')].map((r) => ({{
              index: +r.dataset.index, update: r.dataset.update,
              ...Object.fromEntries([...r.querySelectorAll('td')].map((td) =>
                  [td.dataset.key, td.dataset.value === '' ? null : +td.dataset.value])),
            }}))"""
    )


def test_steps_match_the_script_and_adam_table_checks_out(chromium, built_page, artifacts):
    context, rec, info = open_training(chromium, built_page.as_uri())
    page = rec.page
    try:
        train(page, "1", 1)
        loss = float(page.evaluate(f"() => document.querySelector('{LIVE} .live-body').dataset.lastLoss"))
        assert f"{loss:.4f}" == "3.3660"  # the plain script's first printed loss
        # The per-position losses of the document, one per (input -> target) pair; their mean is the loss.
        pair_losses = page.evaluate(
            f"() => [...document.querySelectorAll('{LIVE} .tr-pair')].map((p) => +p.dataset.loss)"
        )
        assert pair_losses and abs(sum(pair_losses) / len(pair_losses) - loss) < 1e-9
        train(page, "10", 11)
        assert page.evaluate(f"() => +document.querySelector('{LIVE} .tr-loss-card canvas').dataset.points") == 11
        assert page.text_content(f"{LIVE} .tr-progress").startswith(f"step 11 / {info['hyper']['num_steps']}")
        # The update table: the step record's `update` for the watched parameters (the start
        # token's row of the token table first), every number Python's, by the script's names.
        rows = adam_rows(page)
        assert len(rows) >= 2 and all(r["update"] == "record" for r in rows)
        assert [r["index"] for r in rows[:2]] == [26 * 16, 26 * 16 + 1]  # wte[26]: BOS's row
        assert page.text_content(f"{LIVE} .tr-adam-table tbody th") == "wte[26][0] (BOS)"
        heads = page.evaluate(
            "(s) => [...document.querySelectorAll(s)].map((t) => t.textContent)",
            f"{LIVE} .tr-adam-table thead tr:last-child th",
        )
        assert heads == ["parameter", "grad", "data", "m", "v", "m_hat", "v_hat", "data", "m", "v"]
        state = rec.call("params")["result"]
        for r in rows:
            i = r["index"]
            # After the update: what Python holds now (no step since).
            data, m, v = (state[k][i] if isinstance(state[k], list) else state[k][str(i)] for k in ("data", "m", "v"))
            assert (r["after-data"], r["after-m"], r["after-v"]) == (data, m, v)
            assert r["local-m_hat"] is not None and r["local-v_hat"] is not None
        assert any(r["before-data"] != r["after-data"] for r in rows)
        # Clicking a heatmap cell watches that parameter: its update shows from the next step.
        canvas = page.locator(f"{LIVE} .tr-adam-map canvas")
        box = canvas.bounding_box()
        canvas.click(position={"x": box["width"] - 4, "y": box["height"] - 4})
        first = page.text_content(f"{LIVE} .tr-adam-table tbody th")
        assert first == "wte[26][15] (BOS)"
        assert adam_rows(page)[0]["update"] == "none"
        train(page, "1", 12)
        assert adam_rows(page)[0]["update"] == "record"
        # A phase of the last step opens the code panel on the script's own lines for it.
        page.click(f'{LIVE} .tr-phase[data-phase="train.backward"]')
        marked = page.evaluate(
            f"() => [...document.querySelectorAll('{LIVE} .code-line.marked')].map((l) => l.textContent)"
        )
        assert marked and any("loss.backward()" in line for line in marked)
        page.click(f"{LIVE} .code-panel summary")
        # The script's "step k / n | loss ..." prints (ending in '\r') rewrite one console line.
        console_lines = page.evaluate(
            "() => [...document.querySelectorAll('#console-body span')].map((s) => s.textContent)"
        )
        step_lines = [line for line in console_lines if line.startswith("step ")]
        assert len(step_lines) == 1 and step_lines[0].startswith("step   12 / 1000 | loss")
        scroll_to(page, ".tr-top")
        page.screenshot(path=str(artifacts / "training-section.png"))
        scroll_to(page, ".tr-lr-card")
        canvas.hover(position={"x": 40, "y": box["height"] - 6})  # a BOS-row cell: it has a gradient
        page.screenshot(path=str(artifacts / "training-adam.png"))
        assert rec.errors == []
    finally:
        context.close()


def test_training_stays_responsive_and_pauses_within_a_step(chromium, built_page, artifacts):
    context, rec, info = open_training(chromium, built_page.as_uri(), LONGTASKS)
    page = rec.page
    try:
        # Enter on the focused section trains one step.
        page.focus(LIVE)
        page.keyboard.press("Enter")
        wait_until(page, f"() => document.querySelector('{LIVE} .live-body').dataset.steps === '1'")
        wait_until(page, lambda_idle())
        t0 = page.evaluate("() => performance.now()")
        # "Watch every step": the worker waits about a second between two steps.
        page.fill(f"{LIVE} .tr-speed", "0")
        page.click(f'{LIVE} button[data-action="100"]')
        started = time.monotonic()
        # The Enter step above is step 1, so step 4 is the run's 3rd: two waits of 1 s came before it.
        wait_until(page, f"() => Number(document.querySelector('{LIVE} .live-body').dataset.steps || 0) >= 4")
        assert time.monotonic() - started >= 1.9
        # Another section's call is answered between two training steps.
        answer = rec.call("tokenize", {"text": "anna"})
        assert answer["ok"] and answer["result"]["tokens"] is not None
        assert page.evaluate(f"() => document.querySelector('{LIVE} .live-body').dataset.running") == "true"
        seen = steps_seen(page)
        page.click(f'{LIVE} button[data-action="pause"]')
        wait_until(page, lambda_idle())
        # The step running when Pause was pressed finishes; no further one starts.
        assert seen <= steps_seen(page) <= seen + 1 < 101
        # No main-thread task over 50 ms anywhere on the page while training ran (other chapters
        # follow 'step' too), and this chapter's own work per frame (its draw and its charts) is a
        # fraction of that.
        tasks = page.evaluate("(t0) => window.__longtasks.filter((e) => e.start >= t0)", t0)
        own_entries = page.evaluate(
            "(t0) => performance.getEntriesByType('measure').filter((m) => m.startTime >= t0"
            " && (m.name === 'training-draw' || m.name === 'line-chart')).map((m) => [m.name, m.duration])",
            t0,
        )
        own = [d for _, d in own_entries]
        longest = max([0] + [t["duration"] for t in tasks])
        report = {
            "page_longest_task_ms": longest,
            "page_long_tasks": tasks,
            "own_longest_ms": max(own),
            "own_frames": len(own),
        }
        (artifacts / "training-longtasks.json").write_text(json.dumps(report, indent=1))
        print(f"longest main-thread task while training: {longest:.0f} ms; this chapter's longest: {max(own):.1f} ms")
        assert own and max(own) < 25
        assert tasks == [], f"main-thread tasks over 50 ms while training: {tasks}"
        page.screenshot(path=str(artifacts / "training-paused.png"))
        assert rec.errors == []
    finally:
        context.close()


def test_one_backward_per_position_reports_the_sum(open_page, tmp_path_factory):
    """The script calls backward once per position: the step's loss is the sum of its terms."""
    rec, info = open_variant(open_page, tmp_path_factory, "backward_per_position")
    page = rec.page
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-progress')?.textContent.startsWith('step')")
    page.evaluate("() => document.getElementById('training').scrollIntoView({behavior: 'instant'})")
    train(page, "1", 1)
    loss = float(page.evaluate(f"() => document.querySelector('{LIVE} .live-body').dataset.lastLoss"))
    terms = page.evaluate(f"() => [...document.querySelectorAll('{LIVE} .tr-pair')].map((p) => +p.dataset.loss)")
    assert terms and abs(sum(terms) - loss) < 1e-9
    assert "once per position" in page.text_content(f"{LIVE} .tr-doc-card")
    assert f"{loss:.4f}" == "3.3660"  # the same model and data as microgpt.py: the same first loss
    assert rec.errors == []


def test_a_separate_eos_token_is_labelled_by_the_script(open_page, tmp_path_factory):
    rec, info = open_variant(open_page, tmp_path_factory, "eos_token")
    page = rec.page
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-progress')?.textContent.startsWith('step')")
    page.evaluate("() => document.getElementById('training').scrollIntoView({behavior: 'instant'})")
    train(page, "1", 1)
    vocab = info["vocab"]
    first = page.evaluate(f"() => document.querySelector('{LIVE} .tr-pair .token-chip').dataset")
    last = page.evaluate(
        f"() => [...document.querySelectorAll('{LIVE} .tr-pair')].at(-1).querySelectorAll('.token-chip')[1].dataset"
    )
    assert (first["kind"], int(first["id"])) == ("bos", vocab["bos"])
    assert (last["kind"], int(last["id"])) == ("eos", vocab["eos"])
    assert page.text_content(f"{LIVE} .tr-pair .token-label") == vocab["labels"][vocab["bos"]]
    # The start token's row of the token table is watched first.
    rows = adam_rows(page)
    assert rows[0]["index"] == vocab["bos"] * info["params"]["layout"][0]["cols"]
    assert rec.errors == []


def test_the_loop_is_over_after_its_last_step(open_page, tmp_path_factory):
    """After num_steps steps the page says the loop is over and offers no further step (a short
    loop: the default script edited to 3 steps)."""
    out = edited_page(tmp_path_factory, "three-steps", "num_steps = 1000", "num_steps = 3")
    rec = open_page(out.as_uri())
    info = rec.wait_ready()
    assert info["hyper"]["num_steps"] == 3
    page = rec.page
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-progress')?.textContent.startsWith('step')")
    page.evaluate("() => document.getElementById('training').scrollIntoView({behavior: 'instant'})")
    page.click(f'{LIVE} button[data-action="end"]')
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-progress').dataset.over === 'true'")
    assert "the training loop is over" in page.text_content(f"{LIVE} .tr-progress")
    # The document card says what ended it (the script's num_steps) and how to train longer.
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-over')?.hidden === false")
    assert "num_steps is 3" in page.text_content(f"{LIVE} .tr-over")
    buttons = f"{LIVE} .tr-button:not([data-action='pause'])"
    assert page.evaluate("(s) => [...document.querySelectorAll(s)].every((b) => b.disabled)", buttons)
    assert rec.errors == []
