"""Runs (js/runs/): every Run is kept with its history and states, named by what differs from the
built-in script; the page switches to any run and rewinds the current one to any step by
importing a kept state and replaying the rest with the script itself (bit-exact); training on from
a rewound step makes a branch; the runs survive a reload. Prints the figures the issue asks for:
time to switch runs, to rewind 500 steps, and bytes per run in IndexedDB."""


import pytest
from builder.paths import DEFAULT_SCRIPT
from helpers import run_script, type_script, wait_until

pytestmark = pytest.mark.browser

DEFAULT = DEFAULT_SCRIPT.read_text(encoding="utf-8")
LIVE = "[data-live=training] .live-body"
EIGHT = DEFAULT.replace("n_embd = 16", "n_embd = 8", 1)


def runs(page):
    return page.evaluate("() => window.microgptGuide.runs()")


def current(page):
    return next((r for r in runs(page) if r["current"]), None)


def train(page, steps_after):
    page.evaluate("() => document.querySelector('[data-live=training]').scrollIntoView({behavior: 'instant'})")
    page.click("[data-live=training] .tr-button[data-action='10']")
    wait_until(page, f"() => document.querySelector('{LIVE}').dataset.steps === '{steps_after}'"
                     " && !window.microgptGuide.call.busy")
    # The run's record has the step (the runs hear the store's news in order, a task later).
    wait_until(page, "(n) => window.microgptGuide.runs().some((r) => r.current && r.step === n)", steps_after)


# The parameters and Adam's moments as Python has them now, kept in the page under `name`.
KEEP_PARAMS = """async (name) => {
    const p = await window.microgptGuide.call('params', {});
    window[name] = [p.data, p.m, p.v].map((a) => Array.from(a));
    return window[name][0].length;
}"""
SAME_PARAMS = """([a, b]) => {
    const x = window[a], y = window[b];
    return x.every((list, k) => list.length === y[k].length && list.every((v, i) => Object.is(v, y[k][i])));
}"""


def test_two_runs_rewind_bit_exact_branch_and_reload(open_page, built_page):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    wait_until(page, "() => window.microgptGuide.runs().some((r) => r.current && r.label === 'built-in')")
    train(page, 10)
    train(page, 20)
    type_script(page, EIGHT)
    run_script(page)
    wait_until(page, "() => window.microgptGuide.runs().some((r) => r.current && r.label === 'n_embd 16 -> 8')")
    train(page, 10)
    train(page, 20)

    listed = runs(page)
    by_label = {r["label"]: r for r in listed}
    assert {"built-in", "n_embd 16 -> 8"} <= set(by_label), [r["label"] for r in listed]
    builtin, eight = by_label["built-in"], by_label["n_embd 16 -> 8"]
    assert builtin["step"] == 20 and len(builtin["losses"]) == 20
    assert eight["step"] == 20 and len(eight["losses"]) == 20
    assert builtin["losses"] != eight["losses"]
    assert eight["script"]["source"] == EIGHT and builtin["script"]["source"] == DEFAULT
    assert 0 in eight["stateSteps"]

    # Rewind 20 -> 10: the nearest kept state at or before 10 imported (step 0, or a "latest"
    # written while training, which depends on timing) and the rest replayed by the script.
    moved = page.evaluate("() => window.microgptGuide.rewind(10)")
    assert moved["step"] == 10 and 0 <= moved["replayed"] <= 10 and moved["mismatched"] == 0
    assert rec.call("info")["result"]["step"] == 10
    wait_until(page, f"() => document.querySelector('{LIVE}').dataset.steps === '10'")  # the curve, cut at 10
    assert page.evaluate(KEEP_PARAMS, "rewound") > 0
    # A fresh run of the same script stepped 10 times: the same parameters, m and v, to the bit.
    run_script(page)
    fresh = rec.call("step", {"count": 10})["result"]
    assert [r["loss"] for r in fresh] == eight["losses"][:10]
    page.evaluate(KEEP_PARAMS, "fresh")
    assert page.evaluate(SAME_PARAMS, ["rewound", "fresh"])

    # Back to the n_embd 8 run, rewound to 10, trained on: a branch with its parent's first 10 steps.
    page.evaluate("(id) => window.microgptGuide.useRun(id)", eight["id"])
    assert rec.call("info")["result"]["step"] == 20
    page.evaluate("() => window.microgptGuide.rewind(10)")
    train(page, 20)
    branch = current(page)
    assert branch["id"] != eight["id"] and branch["parent"] == {"id": eight["id"], "step": 10}
    # The replayed and retrained steps are the first run's own: the script's state decides them.
    assert branch["losses"] == eight["losses"]
    assert next(r for r in runs(page) if r["id"] == eight["id"])["losses"] == eight["losses"]

    # A reload keeps them all, and the page is still on the branch at step 20.
    page.wait_for_timeout(1200)  # the runs' records are written at most once a second
    page.reload()
    info = rec.wait_ready()
    assert info["step"] == 20
    wait_until(page, "(id) => window.microgptGuide.runs().some((r) => r.current && r.id === id)", branch["id"])
    after = {r["id"]: r for r in runs(page)}
    for run in (builtin, eight, branch):
        assert after[run["id"]]["losses"] == run["losses"], run["label"]
        assert after[run["id"]]["label"] == run["label"]

    # Switching runs: the built-in one at its step 20, in the editor and in Python.
    ms = page.evaluate("async (id) => { const t = performance.now(); await window.microgptGuide.useRun(id);"
                       " return performance.now() - t; }", builtin["id"])
    info = rec.call("info")["result"]
    assert info["step"] == 20 and info["hyper"]["n_embd"] == 16
    wait_until(page, f"() => document.querySelector('{LIVE}').dataset.steps === '20'")
    sizes = page.evaluate("""async () => {
        const core = window.microgptGuide.runsCore;
        const out = {};
        for (const run of core.list().filter((r) => !r.builtin || r.id !== 'builtin-native')) {
            let bytes = JSON.stringify(run).length;
            for (const step of run.stateSteps) bytes += (await core.db.state(run.id, step))?.length ?? 0;
            out[run.label] = bytes;
        }
        return out;
    }""")
    print(f"\nswitch runs: {ms:.0f} ms; bytes per run in IndexedDB: {sizes}")
    assert not rec.errors, rec.errors


def test_jump_is_a_rewind_of_the_native_run_and_training_on_branches(open_page, built_page):
    """Jump to 1000, rewind to 310 (the state kept at 300 imported, 10 steps replayed by the script
    in the page), train on: a branch of the native run. (bench/runs.py times a 500-step rewind.)"""
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    wait_until(page, "() => document.querySelector('[data-live=training] .tr-jump')?.hidden === false")
    page.evaluate("() => document.querySelector('[data-live=training]').scrollIntoView({behavior: 'instant'})")
    page.click('[data-live=training] .tr-jump-button[data-step="1000"]')
    wait_until(page, "() => window.microgptGuide.runs().some((r) => r.current && r.id === 'builtin-native')")
    native = current(page)
    assert native["label"] == "built-in, trained natively" and native["step"] == 1000
    moved = page.evaluate("() => window.microgptGuide.rewind(310)")
    assert moved["step"] == 310 and moved["replayed"] == 10
    # CPython's losses, replayed by Pyodide's Python: the same script, the same numbers but for
    # the last bits of some (the two math libraries round exp and log differently).
    assert moved["maxDiff"] < 1e-6
    train(page, 320)
    branch = current(page)
    assert branch["parent"] == {"id": "builtin-native", "step": 310} and len(branch["losses"]) == 320
    assert not rec.errors, rec.errors


def test_without_indexeddb_runs_last_the_visit_and_say_so(chromium, built_page, artifacts):
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    try:
        context.add_init_script("delete window.indexedDB;")
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(built_page.as_uri())
        wait_until(page, "() => window.microgptGuide?.status.state === 'ready'")
        wait_until(page, "() => window.microgptGuide.runs().some((r) => r.current && r.label === 'built-in')")
        note = wait_until(page, "() => [...document.querySelectorAll('#console-body *')].map((e) => e.textContent)"
                                ".find((t) => t.includes('Runs are kept for this visit only'))")
        assert "IndexedDB" in note
        # The runs still work for the visit: a rewind to the start of a trained run.
        train(page, 10)
        moved = page.evaluate("() => window.microgptGuide.rewind(4)")
        assert moved["step"] == 4 and moved["mismatched"] == 0
        assert not errors, errors
    finally:
        context.close()


PACK_OUT = """async (ids) => {
    const pack = await window.microgptGuide.runsCore.pack(ids);
    const states = {};
    for (const [id, byStep] of Object.entries(pack.states))
        states[id] = Object.fromEntries(Object.entries(byStep).map(([s, b]) => [s, Array.from(b)]));
    return {runs: pack.runs, states, datasets: pack.datasets};
}"""
PACK_IN = """async ([pack, open]) => {
    for (const byStep of Object.values(pack.states))
        for (const s of Object.keys(byStep)) byStep[s] = new Uint8Array(byStep[s]);
    return window.microgptGuide.runsCore.unpack(pack, {open});
}"""
SAMPLE = "([id, seed]) => window.microgptGuide.runsCore.sampleWith(id, {seed, temperature: 0.5, count: 3})"


def test_sample_with_another_run_and_carry_a_run_to_another_copy(open_page, built_page):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    wait_until(page, "() => window.microgptGuide.runs().some((r) => r.current && r.label === 'built-in')")
    train(page, 10)
    builtin = current(page)
    type_script(page, EIGHT)
    run_script(page)
    train(page, 10)
    eight = current(page)
    # Names from the other run's model; the page's model is left as it was.
    other = page.evaluate(SAMPLE, [builtin["id"], 7])
    assert len(other) == 3
    info = rec.call("info")["result"]
    assert info["step"] == 10 and info["hyper"]["n_embd"] == 8 and current(page)["id"] == eight["id"]
    assert page.evaluate(SAMPLE, [builtin["id"], 7]) == other  # the same seed, the same names
    mine = page.evaluate(SAMPLE, [eight["id"], 7])

    pack = page.evaluate(PACK_OUT, [eight["id"]])
    assert [len(b) for b in pack["states"][eight["id"]].values()] and pack["runs"][0]["step"] == 10
    size = sum(len(b) for b in pack["states"][eight["id"]].values())
    print(f"\na run of n_embd 8 packed for a download: {size} bytes of state")
    assert size < 150_000

    fresh = open_page(built_page.as_uri())
    fresh.wait_ready()
    fresh.page.evaluate(PACK_IN, [pack, eight["id"]])
    info = fresh.call("info")["result"]
    assert info["step"] == 10 and info["hyper"]["n_embd"] == 8
    carried = next(r for r in runs(fresh.page) if r["id"] == eight["id"])
    assert carried["losses"] == eight["losses"] and carried["current"]
    assert fresh.page.evaluate(SAMPLE, [eight["id"], 7]) == mine
    assert not rec.errors and not fresh.errors, rec.errors + fresh.errors
