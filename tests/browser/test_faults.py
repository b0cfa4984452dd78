"""Faults while training: a learner's edit loops, raises and runs out of memory inside the training
loop. Stop works anywhere, an error stays visible until the learner acts, and no completed
training step is lost to a Stop, a reload or a crashed worker. Each copy of the guide keeps its
own saved work, and input that cannot work is refused with a clear message."""

import json
import shutil
import time

import pytest
from builder.paths import DEFAULT_SCRIPT
from helpers import run_script, type_script, wait_until

pytestmark = pytest.mark.browser

DEFAULT = DEFAULT_SCRIPT.read_text(encoding="utf-8")
PANEL = "#script-workbench"
LIVE = "[data-live=training] .live-body"
BODY = "    doc = docs[step % len(docs)]\n"


def in_step(code, at=2):
    """The default script with `code` run at the start of training step index `at`."""
    lines = "".join(f"        {line}\n" for line in code.splitlines())
    return DEFAULT.replace(BODY, f"    if step == {at}:\n{lines}{BODY}", 1)


def run(page, kinds=("ok", "warn")):
    return run_script(page, kinds)


def train(page, action="10"):
    page.evaluate("() => document.querySelector('[data-live=training]').scrollIntoView({behavior: 'instant'})")
    page.click(f"[data-live=training] .tr-button[data-action='{action}']")


def steps_drawn(page):
    return page.evaluate(f"() => Number(document.querySelector('{LIVE}').dataset.steps || 0)")


# Python answering again after a Stop, and Python busy long enough to offer Stop.
BACK = "() => window.microgptGuide.status.state === 'ready' && document.querySelector('.runtime-stop').hidden"
BUSY = "() => window.microgptGuide.status.state === 'ready' && !document.querySelector('.runtime-stop').hidden"


def python_step(rec):
    return rec.call("info")["result"]["step"]


def test_stop_during_an_endless_step_keeps_every_completed_step(open_page, built_page, artifacts):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    type_script(page, in_step("while True: pass"))
    run(page)
    train(page)
    wait_until(page, f"() => document.querySelector('{LIVE}').dataset.steps === '2'")
    # The step never ends: the badge says Python is busy and offers Stop.
    wait_until(page, "() => !document.querySelector('.runtime-stop').hidden")
    assert "working" in page.inner_text("#runtime-badge")
    page.screenshot(path=str(artifacts / "faults-busy.png"))
    t0 = time.monotonic()
    page.click(".runtime-stop")
    wait_until(page, BACK)
    assert python_step(rec) == 2  # the model as it was after the last completed step
    print(f"Stop -> Python back with step 2: {time.monotonic() - t0:.2f} s (bench/restart.py has the figure)")
    wait_until(page, f"() => document.querySelector('{LIVE}').dataset.steps === '2'")  # and its loss curve
    assert "Python is back" in page.text_content("#console-body")
    page.screenshot(path=str(artifacts / "faults-stopped.png"))

    # Esc stops too, and so does the handle tests use: each time the model comes back as it was.
    train(page, "1")
    wait_until(page, BUSY)
    page.keyboard.press("Escape")
    wait_until(page, BACK)
    assert python_step(rec) == 2
    ms = page.evaluate("() => window.microgptGuide.stop().then((r) => r.ms)")
    assert ms > 0 and python_step(rec) == 2
    assert not [e for e in rec.errors if "WorkerRestarted" not in e], rec.errors


SAMPLE_CALL = "        logits = gpt(token_id, pos_id, keys, values)\n"


def answers_within(page, method, seconds):
    """Whether Python answers `method` within `seconds` (a page stuck in a loop does not)."""
    return page.evaluate("""([method, ms]) => Promise.race([
        window.microgptGuide.call(method, {}).then(() => true, () => true),
        new Promise((resolve) => setTimeout(() => resolve(false), ms))])""", [method, seconds * 1000])


def test_stop_in_an_endless_setup_keeps_the_last_good_model_and_the_edit(open_page, built_page, artifacts):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    train(page)
    wait_until(page, f"() => document.querySelector('{LIVE}').dataset.steps === '10'")
    wait_until(page, f"() => document.querySelector('{LIVE}').dataset.running === 'false'")
    endless = DEFAULT.replace("num_steps = 1000\n", "while True: pass\nnum_steps = 1000\n", 1)
    assert endless != DEFAULT
    type_script(page, endless)
    page.click(f"{PANEL} .script-run")
    wait_until(page, BUSY)
    page.click(".runtime-stop")  # the badge's Stop, not the editor's: the editor still says what happened
    wait_until(page, BACK)
    # The edited setup never finished: Python has the last good model (trained ten steps)...
    info = rec.call("info")["result"]
    assert info["step"] == 10 and info["hyper"]["num_steps"] == 1000, info["step"]
    assert steps_drawn(page) == 10
    # ...the learner's edit is still in the editor (and saved), and the message says so until they act.
    assert "while True: pass" in page.evaluate("() => JSON.parse(localStorage.getItem("
                                               "window.microgptGuide.storageKey('script'))).source")
    time.sleep(2)
    kind, text = page.evaluate(f"""() => {{ const s = document.querySelector('{PANEL} .script-status');
                                           return [s.dataset.kind, s.textContent]; }}""")
    assert kind == "warn" and "Stopped" in text and "edits are still here" in text, (kind, text)
    assert page.is_enabled(f"{PANEL} .script-run") and page.is_visible(f"{PANEL} .script-badge")
    assert answers_within(page, "info", 5)
    page.evaluate("() => document.getElementById('script').scrollIntoView({behavior: 'instant'})")
    page.screenshot(path=str(artifacts / "faults-stop-in-setup.png"))
    assert not [e for e in rec.errors if "WorkerRestarted" not in e], rec.errors


def test_stop_in_an_endless_sampling_loop_does_not_draw_into_it_again(open_page, built_page, artifacts):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    at = DEFAULT.rindex(SAMPLE_CALL)  # the sampling loop's call (the training loop has the first)
    endless = DEFAULT[:at] + "        if pos_id == 2:\n            while True: pass\n" + DEFAULT[at:]
    type_script(page, endless)
    run(page)
    # The inference chapter draws a sample from the new script at once, and it never ends.
    wait_until(page, BUSY)
    page.click(".runtime-stop")
    wait_until(page, BACK)
    # The chapter does not draw again by itself (it would loop again): Python stays free.
    time.sleep(2)
    assert rec.page.evaluate("() => window.microgptGuide.status.state") == "ready"
    assert answers_within(page, "info", 5)  # a chapter drawing into the loop again would hold it up
    status = page.text_content("[data-live=inference] .inf-status")
    assert "stopped" in status.lower(), status
    page.evaluate("() => document.querySelector('[data-live=inference]').scrollIntoView({behavior: 'instant'})")
    page.screenshot(path=str(artifacts / "faults-stop-in-sampling.png"))
    # Drawing again is the learner's choice: it runs the loop again, and Stop ends it again.
    page.click("[data-live=inference] .inf-again")
    wait_until(page, BUSY)
    page.keyboard.press("Escape")
    wait_until(page, BACK)
    time.sleep(1)
    assert answers_within(page, "info", 5)
    assert not [e for e in rec.errors if "WorkerRestarted" not in e], rec.errors


def test_a_step_that_raises_stays_visible_until_the_learner_acts(open_page, built_page, artifacts):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    type_script(page, in_step("raise ValueError('boom')"))
    run(page)
    train(page)
    box = "[data-live=training] .tr-error"
    wait_until(page, f"() => !document.querySelector('{box}').hidden")
    time.sleep(2)  # redraws come and go; the message stays
    text = page.inner_text(box)
    assert "ValueError: boom" in text and "step 2" in text and "rolled back" in text, text
    assert "boom" in page.text_content("#console-body")  # the traceback
    assert "Traceback" in page.text_content("#console-body")
    line = in_step("raise ValueError('boom')").splitlines().index("        raise ValueError('boom')") + 1
    assert f"line {line}" in text
    page.evaluate("() => document.getElementById('script').scrollIntoView({behavior: 'instant'})")
    wait_until(page, "() => document.querySelector('.cm-lintRange-error')")
    assert "raise ValueError('boom')" in page.inner_text(".cm-error-line")
    assert python_step(rec) == 2 and steps_drawn(page) == 2
    page.screenshot(path=str(artifacts / "faults-step-error.png"))
    # Training again is acting: the message goes, and the same step is tried (and fails) again.
    train(page, "1")
    wait_until(page, f"() => document.querySelector('{LIVE}').dataset.running === 'false'")
    wait_until(page, f"() => !document.querySelector('{box}').hidden")
    assert python_step(rec) == 2


def test_out_of_memory_in_a_step_fails_fast_and_keeps_the_model(open_page, built_page, artifacts):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    type_script(page, in_step("hog = []\nwhile True: hog.append(bytearray(10_000_000))"))
    run(page)
    t0 = time.monotonic()
    train(page)
    wait_until(page, "() => document.querySelector('#console-body').textContent.includes('ran out of memory')",
               timeout=60)
    wait_until(page, "() => window.microgptGuide.status.state === 'ready'"
                     " && document.querySelector('#console-body').textContent.includes('Python is back')", timeout=30)
    print(f"MemoryError and restart within {time.monotonic() - t0:.1f} s of Train")
    assert time.monotonic() - t0 < 40
    wait_until(page, "() => !document.querySelector('[data-live=training] .tr-error').hidden")
    assert "MemoryError" in page.inner_text("[data-live=training] .tr-error")
    assert python_step(rec) == 2
    # Python works (a call still in flight when the worker was replaced fails with WorkerRestarted).
    deadline, reply = time.monotonic() + 30, {}
    while "result" not in reply and time.monotonic() < deadline:
        reply = rec.call("eval", {"code": "len(params)"})
    assert reply.get("result", {}).get("repr") == "4192", reply
    page.screenshot(path=str(artifacts / "faults-memory.png"))


def test_a_reload_brings_back_the_edit_and_its_trained_steps(open_page, built_page):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    edit = DEFAULT.replace("n_embd = 16", "n_embd = 8", 1)
    type_script(page, edit)
    run(page)
    train(page, "10")
    wait_until(page, f"() => document.querySelector('{LIVE}').dataset.steps === '10'")
    losses = page.evaluate(f"() => document.querySelector('{LIVE}').dataset.lastLoss")
    page.reload()
    info = rec.wait_ready()
    assert info["step"] == 10 and info["hyper"]["n_embd"] == 8  # what the editor shows is what runs
    wait_until(page, f"() => document.querySelector('{LIVE}').dataset.steps === '10'")  # the loss curve too
    assert page.is_visible(f"{PANEL} .script-badge")
    assert "restored" in page.text_content("#console-body")
    # Training goes on from step 11, exactly as it would have without the reload.
    record = rec.call("step")["result"][0]
    assert record["step"] == 11
    assert losses  # the last loss drawn before the reload


def test_a_saved_edit_that_cannot_start_falls_back_to_the_built_in_script(open_page, built_page, artifacts):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    broken = DEFAULT.replace("num_steps = 1000", "num_steps = 1000 / undefined_name", 1)
    page.evaluate("(s) => localStorage.setItem(window.microgptGuide.storageKey('script'),"
                  " JSON.stringify({source: s, savedAt: 0}))", broken)
    page.reload()
    info = rec.wait_ready()
    assert info["hyper"]["num_steps"] == 1000  # the built-in script runs
    text = page.inner_text(f"{PANEL} .script-status")
    assert "could not start" in text and "NameError" in text, text
    assert page.is_hidden(f"{PANEL} .script-badge")  # the editor shows what runs: the original
    page.screenshot(path=str(artifacts / "faults-fallback.png"))
    page.click(f"{PANEL} .script-restore-edit")
    wait_until(page, "() => !document.querySelector('#script-workbench .script-badge').hidden")


def test_each_copy_of_the_guide_keeps_its_own_saved_work(chromium, built_page, tmp_path):
    first, second = tmp_path / "a" / "guide.html", tmp_path / "b" / "guide.html"
    for copy in (first, second):
        copy.parent.mkdir()
        shutil.copy(built_page, copy)
    context = chromium.new_context()  # one browser profile: one localStorage for file://
    try:
        page = context.new_page()
        page.goto(first.as_uri())
        page.evaluate("() => window.microgptGuide.ready")
        key_a = page.evaluate("() => window.microgptGuide.storageKey('script')")
        page.evaluate("(k) => localStorage.setItem(k, JSON.stringify({source: '# edited copy a', savedAt: 0}))", key_a)
        page.goto(second.as_uri())
        page.evaluate("() => window.microgptGuide.ready")
        key_b = page.evaluate("() => window.microgptGuide.storageKey('script')")
        assert key_a != key_b
        assert page.evaluate("(k) => localStorage.getItem(k)", key_b) is None
        assert page.is_hidden(f"{PANEL} .script-badge")  # copy b runs its own script
    finally:
        context.close()


@pytest.mark.parametrize("case", ["empty script", "empty data set", "binary data set", "large vocabulary",
                                  "no training loop", "a download", "slow setup"])
def test_input_that_cannot_work_gets_a_clear_message_first(open_page, built_page, artifacts, case):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    files = {
        "empty data set": b"\n\n  \n",
        "binary data set": bytes(range(256)) * 40,
        "large vocabulary": "\n".join(chr(0x4E00 + i) * 3 for i in range(300)).encode(),
    }
    if case in files:
        page.set_input_files(f"{PANEL} input[type=file]",
                             files=[{"name": "data.txt", "mimeType": "text/plain", "buffer": files[case]}])
        wait_until(page, "() => !document.querySelector('#script-workbench .script-dataset').hidden")
    source = {
        "empty script": "   \n",
        "no training loop": "print('hello')\n",
        "a download": DEFAULT.replace("if not os.path.exists('input.txt'):", "if True:", 1),
        "slow setup": DEFAULT.replace("num_steps = 1000", "import time\nt0 = time.time()\n"
                                      "while time.time() - t0 < 3.5: pass\nnum_steps = 1000", 1),
    }.get(case)
    if source is not None:
        type_script(page, source)
    if case == "slow setup":
        page.click(f"{PANEL} .script-run")
        wait_until(page, "() => document.querySelector('#script-workbench .script-status').textContent"
                         ".includes('still running')")
        assert page.is_visible("#console-body")  # the script's own output streams there
        kind, text = run_status(page)
        assert kind == "ok", text
        return
    kind, text = run(page, ("ok", "warn", "error"))
    expected = {
        "empty script": ("error", "the script is empty"),
        "empty data set": ("error", "the data set is empty"),
        "binary data set": ("error", "does not look like text"),
        "large vocabulary": ("warn", "The vocabulary has 301 tokens"),
        "no training loop": ("warn", "it has no training loop"),
        "a download": ("error", "offline by design"),
    }[case]
    assert kind == expected[0] and expected[1] in text, (kind, text)
    page.screenshot(path=str(artifacts / f"faults-input-{case.replace(' ', '-')}.png"))
    if kind == "error":  # nothing was lost: the model that ran before is still there
        assert rec.call("eval", {"code": "len(params)"})["result"]["repr"] == "4192"


def run_status(page):
    return wait_until(page, """() => {
        const s = document.querySelector('#script-workbench .script-status');
        return ['ok', 'warn', 'error'].includes(s.dataset.kind) && [s.dataset.kind, s.textContent];
    }""")


def test_storage_keys_are_per_copy_and_named(open_page, built_page):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    key = rec.page.evaluate("() => window.microgptGuide.storageKey('run')")
    assert key.startswith("microgpt-guide:") and key.endswith(":run") and len(key.split(":")[1]) == 8
    assert json.loads(rec.page.evaluate("(k) => localStorage.getItem(k)", key))["step"] == 0
