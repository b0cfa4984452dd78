"""Chapter 6, the training loop: the page trains through the worker's streaming loop, draws the
script's own numbers (loss, per-position losses, lr_t, Adam's m and v) and stays responsive."""

import json
import time

import pytest
from conftest import RecordedPage
from helpers import wait_until

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
        # Adam's table: data before this step - the update (script's formula on Python's m, v) = data after.
        rows = page.evaluate(
            f"""() => [...document.querySelectorAll('{LIVE} .tr-adam-table tbody tr')]
                .map((r) => [+r.dataset.before, +r.dataset.update, +r.dataset.data])"""
        )
        assert len(rows) >= 3
        assert any(update != 0 for _, update, _ in rows)
        for data_before, update, data_after in rows:
            assert abs((data_before - update) - data_after) <= 1e-12 * max(1.0, abs(data_after))
        assert page.evaluate(f"() => document.querySelectorAll('{LIVE} .tr-check .ok').length") == len(rows)
        # Clicking a heatmap cell adds that parameter to the table.
        canvas = page.locator(f"{LIVE} .tr-adam-map canvas")
        box = canvas.bounding_box()
        canvas.click(position={"x": box["width"] - 4, "y": box["height"] - 4})
        first = page.text_content(f"{LIVE} .tr-adam-table tbody th")
        assert first == "wte[26][15]"
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
        assert len(step_lines) == 1 and step_lines[0].startswith("step   11 / 1000 | loss")
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
