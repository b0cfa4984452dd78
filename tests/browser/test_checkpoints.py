"""Chapter 6's "Jump to step N (computed by this same script in CPython)": the page loads the
checkpoint the build embedded (py/checkpoints/), every chapter follows, training goes on from
step N + 1, and the jump is offered for the unmodified default script only."""

import json
import math
import struct

import pytest
from builder.checkpoints import CHECKPOINT_DIR, read_manifest
from builder.paths import DEFAULT_SCRIPT
from helpers import wait_until
from test_editor import type_script, wait_status

pytestmark = pytest.mark.browser

LIVE = '[data-live="training"]'
JUMP_TO = 300
PARAM = 1234  # any parameter: its value after the jump must be the checkpoint's, bit for bit


def checkpoint_value(step, index):
    """params[index].data as the checkpoint file holds it (bridge/checkpoint.py's layout)."""
    blob = (CHECKPOINT_DIR / read_manifest()["files"][str(step)]).read_bytes()
    header = struct.calcsize("<8sIII")
    return struct.unpack_from("<d", blob, header + 8 * index)[0]


def recorded_steps():
    return json.loads((CHECKPOINT_DIR / read_manifest()["steps_file"]).read_text())


def jump_row_visible(page):
    return page.evaluate(f"() => document.querySelector('{LIVE} .tr-jump')?.hidden === false")


def live_body(page, key):
    return page.evaluate(f"(k) => document.querySelector('{LIVE} .live-body').dataset[k]", key)


def show_live(page):
    """The chapter's controls at the top of the viewport, the loss curve under them."""
    page.evaluate(
        f"() => {{ document.querySelector('{LIVE} .tr-top').scrollIntoView({{behavior: 'instant'}});"
        " window.scrollBy(0, -16); }"
    )
    page.wait_for_timeout(400)  # the charts draw on the next animation frames


def update_rows(page):
    """Each row of the update table: 'record' (the step spelled out its update) or 'none'."""
    rows = f"{LIVE} .tr-adam-table tbody tr"
    return page.evaluate("(s) => [...document.querySelectorAll(s)].map((r) => r.dataset.update)", rows)


def py_float(rec, code):
    return float(rec.call("eval", {"code": code})["result"]["repr"])


def test_jump_to_a_cpython_checkpoint_then_train_on(open_page, built_page, artifacts):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-progress')?.textContent.startsWith('step 0')")
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-jump')?.hidden === false")
    assert page.text_content(f"{LIVE} .tr-jump-why").startswith("computed by this same script in CPython")

    page.click(f'{LIVE} .tr-jump-button[data-step="{JUMP_TO}"]')
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-progress')?.dataset.step === '{JUMP_TO}'")
    assert page.text_content(f"{LIVE} .tr-progress").startswith(f"step {JUMP_TO} / 1000")
    assert rec.call("info")["result"]["step"] == JUMP_TO
    assert rec.call("eval", {"code": "m[7] != 0 and v[7] != 0"})["result"]["repr"] == "True"
    # The model in the page is the checkpoint's, to the last bit (repr round-trips a float).
    assert py_float(rec, f"params[{PARAM}].data") == checkpoint_value(JUMP_TO, PARAM)
    # The loss curve holds CPython's 300 losses, marked as such.
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-loss-card canvas').dataset.points === '{JUMP_TO}'")
    assert "computed in CPython" in page.text_content(f"{LIVE} .tr-legend")
    # The update table reads the parameters as they are now: a checkpoint spells out no update.
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-formula')"
                     ".textContent.includes('did not spell out the update')")
    assert update_rows(page) and set(update_rows(page)) == {"none"}
    # The parameters chapter follows (it draws the model's data again after the import).
    show_live(page)
    wait_until(page, "() => !document.querySelector('[data-live=\"training\"] [data-action=\"1\"]').disabled")
    page.screenshot(path=str(artifacts / "training-jump-300.png"))

    # Train one step: the page's own step 301 goes on from the checkpoint with the schedule's lr_t.
    page.click(f'{LIVE} button[data-action="1"]')
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-progress')?.dataset.step === '{JUMP_TO + 1}'"
                     f" && document.querySelector('{LIVE} .live-body').dataset.running !== 'true'")
    loss = float(live_body(page, "lastLoss"))
    assert math.isfinite(loss)
    cpython = recorded_steps()  # step 301 is at index 300
    assert abs(loss - cpython["loss"][JUMP_TO]) < 1e-9, (loss, cpython["loss"][JUMP_TO])
    assert py_float(rec, "lr_t") == cpython["lr_t"][JUMP_TO]
    points = page.evaluate(f"() => document.querySelector('{LIVE} .tr-loss-card canvas').dataset.points")
    assert points == str(JUMP_TO + 1)
    # The page's own step spells out the update of the watched parameters, by the script's lines.
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-formula')"
                     ".textContent.includes('run again by the bridge')")
    assert update_rows(page) and set(update_rows(page)) == {"record"}
    show_live(page)
    page.screenshot(path=str(artifacts / "training-jump-301.png"))
    assert not rec.errors, rec.errors


def test_no_jump_for_an_edited_script(open_page, built_page):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-jump')?.hidden === false")
    edited = DEFAULT_SCRIPT.read_text(encoding="utf-8") + "\n# my edit\n"
    type_script(page, edited)
    page.click("#script-workbench .script-run")
    kind, text = wait_status(page, ["error", "ok"])
    assert kind == "ok", text
    wait_until(page, f"() => document.querySelector('{LIVE} .tr-progress')?.textContent.startsWith('step 0')")
    # Hidden at once on a (re)load and only shown again once the sha256 matches: give it time.
    page.wait_for_timeout(1000)
    assert not jump_row_visible(page)
    assert not rec.errors, rec.errors
