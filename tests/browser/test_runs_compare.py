"""Chapter "Runs" (issue 24, point 2): two runs of the script (n_embd 16 and 8, 20 steps each) are
kept and compared: their loss curves overlaid on one chart, their scripts in a merge view that
shows the changed line, a table of what differs (samples with one seed and temperature), and
"Use this run" switches the page back."""

import json
import math

import pytest
from helpers import wait_until

pytestmark = pytest.mark.browser

LIVE = '[data-live="runs"]'
STEPS = 20
TEXTS = "(els) => els.map((e) => e.textContent)"
CELLS = "(trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent))"
KEPT = "() => JSON.parse(localStorage.getItem(window.microgptGuide.storageKey('run')) ?? 'null')"


def train(rec, steps):
    """Train `steps` steps the way chapter 6 does (the streaming `train`); the model store's kept
    history (js/model-keeper.js, not the runs chapter) gives back their losses."""
    done = rec.call("train", {"steps": steps})
    assert done["ok"], done
    kept = wait_until(rec.page, f"() => {{ const k = ({KEPT})(); return k?.step === {steps} && k; }}")
    assert kept["history"]["steps"] == list(range(1, steps + 1))
    return kept["history"]["losses"]


def run_with_n_embd(page, value):
    page.evaluate("() => document.getElementById('script').scrollIntoView({behavior: 'instant'})")
    page.fill(".hyper-input[name=n_embd]", str(value))
    page.click(".hyper-apply")
    status = "#script-workbench .script-status"
    wait_until(page, f"() => ['ok', 'error'].includes(document.querySelector('{status}').dataset.kind)")
    assert page.get_attribute(status, "data-kind") == "ok"


def chart_summary(page):
    return page.get_attribute(f"{LIVE} .rn-curves-card canvas", "aria-label")


def close(shown, value):
    """A number as the chart or the table shows it (four significant digits) is `value`."""
    return math.isclose(float(shown), value, rel_tol=6e-4)


def test_compare_two_runs(open_page, http_url, artifacts):
    rec = open_page(http_url)
    info = rec.wait_ready()
    page = rec.page
    assert info["hyper"]["n_embd"] == 16
    wide = train(rec, STEPS)
    run_with_n_embd(page, 8)
    narrow = train(rec, STEPS)
    assert rec.call("eval", {"code": "n_embd"})["result"]["repr"] == "8"

    page.evaluate("() => document.getElementById('runs').scrollIntoView({behavior: 'instant'})")
    # The two newest runs are picked by default: the edited one and the built-in one.
    wait_until(page, f"() => document.querySelector('{LIVE} .live-body').dataset.picked?.split(' ').length === 2")
    labels = page.eval_on_selector_all(f"{LIVE} .rn-row .rn-label", TEXTS)
    # Newest first; the build's native run (chapter 6's checkpoints) is listed too, not picked.
    assert labels[:2] == ["n_embd 16 -> 8", "built-in"] and set(labels[2:]) <= {"built-in, trained natively"}

    # The overlaid curves hold both histories: 20 points each, each ending at its own run's
    # moving average (the mean of its 20 losses), and the table's loss at step 20 is each run's.
    expect = {"built-in": wide, "n_embd 16 -> 8": narrow}
    label_js = f"document.querySelector('{LIVE} .rn-curves-card canvas').getAttribute('aria-label')"
    summary = wait_until(page, f"() => {label_js}.split('20 points').length === 3 && {label_js}")
    for label, losses in expect.items():
        part = summary.split(f"{label}: ")[1].split(";")[:2]
        assert part[0] == f"{STEPS} points", summary
        assert close(part[1].split(", ")[1], sum(losses) / len(losses)), (label, summary)
    assert wide != narrow
    heads = page.eval_on_selector_all(f"{LIVE} .rn-table thead th", TEXTS)
    assert heads[1:] == ["n_embd 16 -> 8", "built-in"]
    rows = page.eval_on_selector_all(f"{LIVE} .rn-table tbody tr", CELLS)
    table = {row[0]: row[1:] for row in rows}
    assert close(table[f"Loss at step {STEPS}"][0], narrow[-1]) and close(table[f"Loss at step {STEPS}"][1], wide[-1])
    params = {int(n.replace(",", "")) for n in table["Parameters"]}
    assert params == {info["params"]["count"], int(rec.call("eval", {"code": "len(params)"})["result"]["repr"])}
    assert all(t.endswith(" ms") for t in table["Step time (median)"])

    # The diff names the change: the script's n_embd line, 16 on the left and 8 on the right.
    wait_until(page, f"() => document.querySelector('{LIVE} .rn-diff-box').dataset.state === 'ready'")
    changed = page.eval_on_selector_all(f"{LIVE} .rn-diff-box .cm-changedLine", TEXTS)
    assert changed[0].startswith("n_embd = 16") and changed[1].startswith("n_embd = 8"), changed  # older left
    assert len(changed) == 2, changed  # that line only, on each side

    # Samples with one seed and temperature from each run's model; the page's model is left as it was.
    page.click(f"{LIVE} .rn-sample")
    wait_until(page, f"() => document.querySelector('{LIVE} .live-body').dataset.samples === '1'")
    rows = page.eval_on_selector_all(f"{LIVE} .rn-table tbody tr", CELLS)
    names = [cell.split(", ") for cell in rows[-1][1:]]
    assert all(len(n) == 5 and all(n) for n in names), rows[-1]
    assert rec.call("eval", {"code": "n_embd"})["result"]["repr"] == "8"
    assert rec.call("info")["result"]["step"] == STEPS
    page.screenshot(path=str(artifacts / "runs-compare.png"), full_page=False)
    page.locator("#runs").screenshot(path=str(artifacts / "runs-compare-1440.png"))
    page.locator(f"{LIVE} .rn-diff-card").screenshot(path=str(artifacts / "runs-diff-1440.png"))

    # "Use this run": the page is the built-in run again, at its step 20.
    page.click(f"{LIVE} .rn-row:not([data-current]) .rn-use")
    wait_until(page, f"() => document.querySelector('{LIVE} .rn-row[data-current]')?.textContent.includes('built-in')")
    assert rec.call("eval", {"code": "n_embd"})["result"]["repr"] == "16"
    assert rec.call("info")["result"]["step"] == STEPS
    assert not rec.errors, rec.errors

    # Chapter 6 draws the run switched to (its 20 steps); a click on its loss curve asks to rewind
    # to the step under the pointer, a typed step past the run's end is refused with the reason.
    chart = '[data-live="training"] .tr-loss-card canvas'
    page.evaluate("() => document.getElementById('training').scrollIntoView({behavior: 'instant'})")
    wait_until(page, f"() => document.querySelector('{chart}').dataset.points === '{STEPS}'")
    page.locator(chart).scroll_into_view_if_needed()
    box = page.locator(chart).bounding_box()
    left, right = 46, 12  # the chart's padding (js/ui/line-chart.js); its x axis runs from 0 to step 20 here
    page.mouse.click(box["x"] + left + (box["width"] - left - right) * 10 / STEPS, box["y"] + box["height"] / 2)
    assert page.input_value(".tr-rewind-step") == "10"
    assert "step 10" in page.inner_text(".tr-rewind-note") or "Could not rewind" in page.inner_text(".tr-rewind-note")
    page.fill(".tr-rewind-step", "25")
    page.click(".tr-rewind-go")
    assert page.inner_text(".tr-rewind-note") == f"There is no step 25 to go back to: this run has steps 0 to {STEPS}."
    page.locator('[data-live="training"] .tr-loss-card').screenshot(path=str(artifacts / "training-rewind.png"))

    # The phone's width: the diff folds into one column, the table scrolls on its own.
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("() => document.getElementById('runs').scrollIntoView({behavior: 'instant'})")
    wait_until(page, f"() => document.querySelector('{LIVE} .rn-diff-box').dataset.layout === 'unified'"
                     f" && document.querySelector('{LIVE} .rn-diff-box .cm-deletedChunk')")
    assert page.inner_text(f"{LIVE} .rn-diff-box .cm-deletedChunk").startswith("n_embd = 16")
    assert page.inner_text(f"{LIVE} .rn-diff-box .cm-changedLine").startswith("n_embd = 8")
    page.locator("#runs").screenshot(path=str(artifacts / "runs-compare-390.png"))
    page.locator(f"{LIVE} .rn-diff-card").screenshot(path=str(artifacts / "runs-diff-390.png"))
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, overflow
    print(json.dumps({"wide": wide[-1], "narrow": narrow[-1]}))
