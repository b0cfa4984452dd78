"""The chapters' first frame from the build's recording (js/first-frame.js, py/builder/first_frame.py).

The worker's boot message is held back by an init script, so "before Python is ready" lasts as
long as the test needs; then it is released and the live worker must return exactly what was
recorded."""

import json
import re
import time

import pytest
from conftest import RecordedPage

SECTIONS = ["dataset", "autograd", "parameters", "architecture", "attention", "training", "inference", "runs"]
# Calls the sections make during the recorded frame that are deliberately not recorded: the
# inference batch's lines after the first (seeds 1001..1019; the first is the live sample's own
# call). Twenty samples of distributions would add ~38 KB to the page for a list of names.
# And the loss graph, built only when its panel scrolls into view: the node-by-node explorer
# that follows asks the worker about that graph, so it must be built there.
NOT_RECORDED = [
    ("sample", lambda args: 1001 <= args.get("seed", 0) < 1020),
    ("loss_graph", lambda args: True),
]

# Holds the worker's boot message until window.__releaseBoot() (Python never starts before).
HOLD_BOOT = """
(() => {
  const post = Worker.prototype.postMessage;
  let held = null;
  window.__releaseBoot = () => { const go = held; held = null; if (go) go(); return Boolean(go); };
  Worker.prototype.postMessage = function (msg, ...rest) {
    if (msg && msg.kind === 'boot') { held = () => post.call(this, msg, ...rest); return; }
    return post.call(this, msg, ...rest);
  };
})();
"""

# Deep equality as the page sees values: typed arrays by type and bytes, numbers by Object.is
# (NaN equals NaN, -0 differs from 0), undefined-valued keys count. Returns the paths that differ.
# A wall-clock timing (trace's elapsed_ms: how long the run took, not what it computed; no
# chapter shows it) is only required to be a number on both sides. A trace event's frame and
# parent are id()s of Python frames, i.e. memory addresses: handles that link the events, which
# differ between two interpreters whose heaps differ (the page's Python is restored from a
# snapshot, the recording's started cold); they must pair one to one, the same on both sides.
COMPARE = """
window.__sameAnswer = (a, b, path = '$', out = [], ids = {ab: new Map(), ba: new Map()}) => {
  if (out.length > 20) return out;
  if (/\\.(frame|parent)$/.test(path) && typeof a === 'number' && typeof b === 'number') {
    const x = ids.ab.get(a);
    const y = ids.ba.get(b);
    if ((x !== undefined && x !== b) || (y !== undefined && y !== a)) out.push(`${path}: handles pair differently`);
    ids.ab.set(a, b);
    ids.ba.set(b, a);
    return out;
  }
  if (/\\.elapsed_ms$/.test(path)) {
    if (typeof a !== 'number' || typeof b !== 'number') out.push(`${path}: not a number`);
    return out;
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    const bytes = (v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor
        || a.byteLength !== b.byteLength || bytes(a).some((x, i) => x !== bytes(b)[i])) out.push(path);
    return out;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) { out.push(path); return out; }
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      if ((k in a) !== (k in b)) out.push(`${path}.${k} (missing on one side)`);
      else window.__sameAnswer(a[k], b[k], `${path}.${k}`, out, ids);
    }
    return out;
  }
  if (!Object.is(a, b)) out.push(`${path}: ${String(a)} != ${String(b)}`);
  return out;
};
"""


def open_held(chromium, url, init=""):
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, reduced_motion="reduce")
    context.add_init_script(HOLD_BOOT + init)
    page = context.new_page()
    recorded = RecordedPage(page)
    page.goto(url)
    return context, recorded


def first_frame(page):
    return page.evaluate("""() => {
        const f = window.microgptGuide?.firstFrame;
        return f && {state: f.state, reason: f.reason, calls: f.calls};
    }""")


def poll(page, fn, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(fn)
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


SHOWN = """() => {
    const roots = [...document.querySelectorAll('[data-live]')];
    const waits = (r) => [...r.querySelectorAll('.live-status')]
        .some((s) => /Waiting for Python/.test(s.textContent) && s.checkVisibility());
    const waiting = roots.filter(waits).map((r) => r.dataset.live);
    const marked = roots.filter((r) => r.querySelector(':scope > .first-frame-mark')).map((r) => r.dataset.live);
    const batch = document.querySelector('[data-live="inference"]')?.textContent ?? '';
    return waiting.length === 0 && marked.length === roots.length ? {marked, batch} : null;
}"""


@pytest.fixture
def held_page(chromium, built_page):
    context, recorded = open_held(chromium, built_page.as_uri())
    yield recorded
    context.close()


def test_first_frame_before_ready_then_identical_live(held_page, artifacts):
    page = held_page.page
    # (1) Python has not even been sent its boot message, yet every chapter has content, marked.
    shown = poll(page, SHOWN, "every chapter to show the recorded frame")
    assert sorted(shown["marked"]) == sorted(SECTIONS)
    assert page.evaluate("() => window.microgptGuide.status.state") == "booting"
    frame = first_frame(page)
    assert frame["state"] == "shown", frame
    facts = page.locator('[data-live="dataset"]').inner_text()
    assert "32,033" in facts or "32033" in facts
    mark = page.locator('[data-live="dataset"] > .first-frame-mark')
    assert "same script" in mark.inner_text()
    for chapter in SECTIONS:
        page.evaluate("(id) => { document.querySelector(`[data-live='${id}']`).scrollIntoView({block: 'start'});"
                      " window.scrollBy(0, -24); }", chapter)
        time.sleep(0.4)
        page.screenshot(path=str(artifacts / f"first-frame-{chapter}.png"))

    # (3) Every call the sections made for the recorded frame was answered from the recording.
    time.sleep(1.0)  # the inference batch starts 300 ms after its sample shows
    calls = first_frame(page)["calls"]
    assert {c["method"] for c in calls} >= {"vocab", "params", "trace", "attention", "sample"}
    missing = [c for c in calls if not c["recorded"]
               and not any(c["method"] == m and allowed(c["args"]) for m, allowed in NOT_RECORDED)]
    assert not missing, f"calls the first frame makes that the build did not record: {missing}"

    # The worker starts; when it is ready the marks go. Its info is the recorded one byte for
    # byte, so the sections keep what they show (no redraw that could swallow a click).
    assert page.evaluate("() => window.__releaseBoot()")
    live_info = held_page.wait_ready()
    poll(page, "() => window.microgptGuide.firstFrame.state === 'live' "
               "&& !document.querySelector('.first-frame-mark')", "the marks to go")
    assert page.evaluate("() => window.microgptGuide.firstFrame.sameAsLive") is True

    # (2) The live worker's answers are the recorded ones, bit for bit.
    page.evaluate(COMPARE)
    result = page.evaluate("""async () => {
        const rec = window.microgptGuide.firstFrame.recording();
        const info = await window.microgptGuide.ready;
        const out = {info: window.__sameAnswer(rec.info, info), calls: [], count: rec.calls.length};
        for (const c of rec.calls) {
            let live;
            try { live = {ok: true, result: await window.microgptGuide.call(c.method, c.args)}; }
            catch (error) { live = {ok: false, error}; }
            const want = c.ok ? {ok: true, result: c.result} : {ok: false, error: c.error};
            const diff = window.__sameAnswer(want, live);
            if (diff.length) out.calls.push({method: c.method, args: c.args, diff});
        }
        return out;
    }""")
    assert result["info"] == [], result["info"]
    assert result["count"] >= 9
    assert result["calls"] == [], json.dumps(result["calls"])[:2000]
    assert live_info["num_docs"] == 32033
    assert held_page.errors == []


def test_recording_not_used_for_another_script(chromium, built_page, tmp_path):
    """(4) A page whose default script is not the recorded one (a downloaded guide with the
    learner's edit) waits for the worker: no recorded content, no mark."""
    html = built_page.read_text(encoding="latin-1")  # the page is windows-1252: bytes as they are (builder/charset.py)
    block = re.search(r'(<script [^>]*data-embedded="default-script"[^>]*>)(.*?)(</script>)', html, re.S)
    script = json.loads(block.group(2))
    script["source"] = script["source"].replace("n_embd = 16", "n_embd = 24", 1)
    text = json.dumps(script).replace("<", "\\u003c")
    edited = tmp_path / "edited.html"
    edited.write_text(html[:block.start(2)] + text + html[block.end(2):], encoding="latin-1")
    context, recorded = open_held(chromium, edited.as_uri())
    try:
        page = recorded.page
        decided = ("() => { const f = window.microgptGuide?.firstFrame;"
                   " return f && !['none', 'decoding'].includes(f.state) && {state: f.state, reason: f.reason}; }")
        frame = poll(page, decided, "the first frame to decide")
        assert frame["state"] == "skipped", frame
        time.sleep(0.5)
        assert page.locator(".first-frame-mark").count() == 0
        assert "Waiting for Python" in page.locator('[data-live="parameters"]').text_content()
        page.evaluate("() => window.__releaseBoot()")
        info = recorded.wait_ready()
        assert info["hyper"]["n_embd"] == 24
    finally:
        context.close()


def test_a_saved_edit_runs_at_boot_without_the_recording(chromium, built_page):
    """(4) An edited script kept from the last visit is what Python runs at boot (the editor shows
    what runs): the build's recording belongs to the page's own script, so it is not shown."""
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(built_page.as_uri())
        poll(page, "() => window.microgptGuide?.status.state === 'ready'", "the first boot")
        page.evaluate("""() => localStorage.setItem(window.microgptGuide.storageKey('script'),
          JSON.stringify({source: '# my edit\\nprint(6 * 7)\\n', savedAt: 0}))""")
        page.reload()
        poll(page, "() => window.microgptGuide?.status.state === 'ready'", "the boot with the edit")
        assert page.evaluate("() => window.microgptGuide.firstFrame.state") != "shown"
        info = page.evaluate("() => window.microgptGuide.ready")
        assert info["num_docs"] == 0 and info["roles"]["missing"]["training"]
        assert "42" in page.text_content("#console-body")
    finally:
        context.close()
