"""A page that restores Python from the build's memory snapshot (py/builder/snapshot.py,
js/worker/snapshot.js) answers like a page that starts Python itself: the script's info at ready
and every chapter's first calls (the ones the build records for the first frame), bit for bit,
and the interpreter's visible state (modules, sys.path, environment, time zone) is the same.

The cold page is the same build with `--no-snapshot`."""

import ast
import json
import re

import pytest
from builder.build import build
from builder.paths import DEFAULT_DATASET, DEFAULT_SCRIPT
from settle import settle

pytestmark = pytest.mark.browser

# Every answer as canonical text: typed arrays by type and bytes, numbers by Object.is (NaN, -0,
# infinities kept), object keys sorted, undefined kept. A wall-clock timing (trace's elapsed_ms:
# how long the run took, not what it computed) only has to be a number. A trace event's frame and
# parent are id()s of Python frames (memory addresses, which differ between two heaps): handles,
# numbered in order of first appearance, so only the way they link the events is compared.
CANONICAL = """
window.__canonical = (value, path = '$', ids = new Map()) => {
  if (/\\.elapsed_ms$/.test(path)) return typeof value === 'number' ? '"<number>"' : '"<not a number>"';
  if (/\\.(frame|parent)$/.test(path) && typeof value === 'number') {
    if (!ids.has(value)) ids.set(value, ids.size);
    return `"<handle ${ids.get(value)}>"`;
  }
  if (value === undefined) return '"<undefined>"';
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return '"-0"';
    return Number.isFinite(value) ? JSON.stringify(value) : `"${value}"`;
  }
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    return JSON.stringify({[value.constructor.name]: hex});
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => window.__canonical(v, `${path}.${i}`, ids)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entry = (k) => `${JSON.stringify(k)}:${window.__canonical(value[k], `${path}.${k}`, ids)}`;
    return `{${Object.keys(value).sort().map(entry).join(',')}}`;
  }
  return JSON.stringify(value);
};
"""

# Python's own state, as a script would see it.
STATE = ("import json, os, sys, time; json.dumps({'modules': sorted(sys.modules), 'path': sys.path, "
         "'executable': sys.executable, 'argv': sys.argv, 'environ': dict(os.environ), 'flags': list(sys.flags), "
         "'zone': [time.timezone, time.altzone, time.daylight, list(time.tzname)], 'cwd': os.getcwd(), "
         "'meta_path': [type(f).__name__ for f in sys.meta_path]})")


@pytest.fixture(scope="session")
def cold_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("cold") / "microgpt-guide.html"
    build(out, DEFAULT_SCRIPT, DEFAULT_DATASET, snapshot=False)
    return out


def answers(open_page, url, calls):
    """(info at ready, canonical answer of each call, Python's state) of a fresh page at `url`."""
    rec = open_page(url)
    info = rec.wait_ready()
    # The page's own calls first, all of them: the inference chapter's batch of samples advances
    # the sampler's count (which of the script's sample lines a draw is), so a call of the test's
    # that lands amid the batch answers for another line; the faster a page boots, the more of
    # the batch is still to come at ready. Settled, both pages have made the same calls.
    settle(rec)
    rec.page.evaluate(CANONICAL)
    answered = rec.page.evaluate("""async (calls) => {
        const out = [];
        for (const c of calls) {
            let answer;
            try { answer = {ok: true, result: await window.microgptGuide.call(c.method, c.args)}; }
            catch (error) { answer = {ok: false, error}; }
            out.push(window.__canonical(answer));
        }
        return out;
    }""", calls)
    state = json.loads(ast.literal_eval(rec.call("eval", {"code": STATE})["result"]["repr"]))
    return rec, info, answered, state


def test_a_page_restored_from_the_snapshot_answers_like_a_cold_page(open_page, built_page, cold_page):
    html = built_page.read_text(encoding="latin-1")
    assert 'data-asset="pyodide-snapshot.bin"' in html
    assert 'data-asset="pyodide-snapshot.bin"' not in cold_page.read_text(encoding="latin-1")
    # The chapters' first calls: the ones the build recorded for the first frame.
    probe = open_page(built_page.as_uri())
    probe.wait_ready()
    calls = probe.page.evaluate(
        "() => window.microgptGuide.firstFrame.recording().calls.map((c) => ({method: c.method, args: c.args}))")
    assert len(calls) >= 9 and {c["method"] for c in calls} >= {"vocab", "params", "trace", "attention", "sample"}

    warm, warm_info, warm_answers, warm_state = answers(open_page, built_page.as_uri(), calls)
    cold, cold_info, cold_answers, cold_state = answers(open_page, cold_page.as_uri(), calls)
    # Each page's own report of how it booted: the worker restored the snapshot, or started Python.
    stages = "() => [...document.querySelectorAll('#boot-stages li')].map((li) => li.dataset.stage)"
    assert "python" in warm.page.evaluate(stages) and "python" in cold.page.evaluate(stages)

    assert warm_info == cold_info
    different = [(c["method"], c["args"]) for c, a, b in zip(calls, warm_answers, cold_answers, strict=True) if a != b]
    assert not different, f"answers that differ between the snapshot page and the cold page: {different}"
    assert warm_state == cold_state
    assert set(warm.errors) == set(cold.errors)  # the snapshot adds none (the chapters' own are the same on both)
    # The snapshot page said that the setup ran when the page was built; both consoles show what it printed.
    assert setup_stage(warm) == PRELOADED and setup_stage(cold) != PRELOADED
    assert "num docs: 32033" in console_text(warm) and "num docs: 32033" in console_text(cold)


PRELOADED = "The script's setup, run when this page was built (restored with Python)"


SETUP_STAGE = "() => document.querySelector('#boot-stages [data-stage=setup] .stage-name').textContent"


def setup_stage(rec):
    return rec.page.evaluate(SETUP_STAGE)


def console_text(rec):
    return rec.page.evaluate("() => document.querySelector('#console-body')?.textContent ?? ''")


def test_another_script_is_loaded_not_taken_from_the_snapshot(open_page, built_page, tmp_path):
    """The snapshot's session is the built-in script's: a page whose default script differs (a
    downloaded guide with the learner's edit) runs that script's setup itself."""
    html = built_page.read_text(encoding="latin-1")
    block = re.search(r'(<script [^>]*data-embedded="default-script"[^>]*>)(.*?)(</script>)', html, re.S)
    script = json.loads(block.group(2))
    script["source"] = script["source"].replace("n_embd = 16", "n_embd = 24", 1)
    edited = tmp_path / "edited.html"
    edited.write_text(html[:block.start(2)] + json.dumps(script).replace("<", "\\u003c") + html[block.end(2):],
                      encoding="latin-1")
    rec = open_page(edited.as_uri())
    info = rec.wait_ready()
    assert info["hyper"]["n_embd"] == 24 and info["params"]["shapes"][0] == [27, 24]
    assert setup_stage(rec) == "Run the script's setup"
    assert "num docs: 32033" in console_text(rec)
