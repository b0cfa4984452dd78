"""Issue 24, "Share": "Download guide" with a trained run. The learner trains 20 steps, downloads
the guide with that run (the dialog lists it, ticked, with its steps and size), and the file,
opened in a fresh browser context from file://, opens on that run at its step: the same losses on
chapter 6's curve, the same parameters and Adam moments bit for bit, the same sample for a fixed
seed. Cancel downloads nothing, and a download with no run ticked carries none."""

import re

import pytest
from helpers import wait_until

pytestmark = pytest.mark.browser

LIVE = '[data-live="training"]'
STEPS = 20
KEPT = "() => JSON.parse(localStorage.getItem(window.microgptGuide.storageKey('run')) || 'null')"


def trained_state(rec):
    """What chapter 6 draws and the model is: the kept history, the parameters, a seeded sample."""
    kept = wait_until(rec.page, f"() => {{ const k = ({KEPT})(); return k && k.step === {STEPS} && k; }}")
    params = rec.call("params")["result"]
    sample = rec.call("sample", {"seed": 1234, "temperature": 0.6})["result"]["text"]
    return {
        "step": kept["step"],
        "losses": kept["history"]["losses"],
        "steps": kept["history"]["steps"],
        "params": [params[k] for k in ("data", "m", "v")],
        "sample": sample,
    }


def runs_block(path):
    page = path.read_bytes().decode("latin-1")
    return re.search(r'<script [^>]*data-embedded="runs"[^>]*>(.*?)</script>', page, re.DOTALL).group(1)


def test_download_with_a_trained_run_opens_on_it(open_page, built_page, artifacts, tmp_path):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    assert rec.call("train", {"steps": STEPS})["ok"]
    wait_until(page, f"() => Number(document.querySelector('{LIVE} .live-body').dataset.steps) === {STEPS}")
    original = trained_state(rec)
    assert len(original["losses"]) == STEPS and original["steps"] == list(range(1, STEPS + 1))

    page.evaluate("() => document.getElementById('script').scrollIntoView({behavior: 'instant'})")
    dialog = ".share-runs[open]"
    # Cancel downloads nothing; with the run unticked the file carries none (and opens untrained).
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.click("#script-workbench .script-download")
    wait_until(page, f"() => document.querySelector('{dialog} .share-run')")
    page.click(f"{dialog} .share-cancel")
    wait_until(page, f"() => !document.querySelector('{dialog}')")
    page.wait_for_timeout(300)
    assert downloads == []
    page.click("#script-workbench .script-download")
    wait_until(page, f"() => document.querySelector('{dialog} .share-run')")
    page.click(f"{dialog} .share-run input:checked")
    assert "untrained" in page.text_content(f"{dialog} .share-opens")
    with page.expect_download() as download:
        page.click(f"{dialog} .share-save")
    plain = tmp_path / "plain.html"
    download.value.save_as(plain)
    assert runs_block(plain) == ""

    page.click("#script-workbench .script-download")
    wait_until(page, f"() => document.querySelector('{dialog} .share-run')")
    rows = page.eval_on_selector_all(f"{dialog} .share-run",
                                     "rs => rs.map(r => [r.textContent, r.querySelector('input').checked])")
    ticked = [text for text, checked in rows if checked]
    assert len(ticked) == 1, rows  # the current run, ticked; any other run kept is listed, unticked
    assert f"{STEPS} steps" in ticked[0] and re.search(r"\d+ KB", ticked[0]), rows
    assert f"at step {STEPS}" in page.text_content(f"{dialog} .share-opens")
    page.screenshot(path=str(artifacts / "share-runs-dialog.png"))
    with page.expect_download() as download:
        page.click(f"{dialog} .share-save")
    copy = tmp_path / "microgpt-guide.html"
    download.value.save_as(copy)
    added = len(runs_block(copy))
    print(f"\nthe run ({STEPS} steps, default size) adds {added} bytes to the file")
    assert runs_block(built_page) == "" and 0 < added <= 150_000
    assert not rec.errors, rec.errors

    shared = open_page(copy.as_uri())  # a fresh context: nothing in its storage
    assert shared.wait_ready()["step"] == STEPS
    wait_until(shared.page, f"() => Number(document.querySelector('{LIVE} .live-body').dataset.steps) === {STEPS}")
    assert trained_state(shared) == original
    assert "Opened on the run" in shared.page.text_content("#console")
    assert not shared.errors, shared.errors
