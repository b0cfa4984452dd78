"""Runs (issue "Runs"): the time to switch the page to another run, to rewind 500 steps, and the
bytes a run takes in IndexedDB and in a downloaded guide, in the built file via file://.

  switch     two runs of 5 steps each (the built-in script; the same with n_embd 8): the page
             switches between them --switches times (runs.use: the script's setup, the state
             imported, every chapter redrawn); median
  rewind     "Jump to step 1000" (the build's native run), then rewind to 800: the state kept at
             300 is imported and 500 steps are replayed by the script in the page; beside it, the
             same page training 10 steps, so the replay reads as a rate against training's
  bytes      each run's record and kept states as stored, and a default-size run packed for a
             download (its latest state + history; issue target: a run adds at most ~150 KB)

    .venv/bin/python bench/runs.py [--file dist/microgpt-guide.html] [--switches 5]
"""

import argparse
import time
from pathlib import Path

from common import DEFAULT_PAGE, ROOT, chromium, figure, median, open_page, report, runs_text, wait_ready, wait_until

LIVE = "[data-live=training] .live-body"
FILE_TARGET_KB = 150


def train(page, steps_after):
    page.evaluate("() => document.querySelector('[data-live=training]').scrollIntoView({behavior: 'instant'})")
    page.click("[data-live=training] .tr-button[data-action='1']")
    wait_until(page, f"() => document.querySelector('{LIVE}').dataset.steps === '{steps_after}'")
    wait_until(page, "(n) => window.microgptGuide.runs().some((r) => r.current && r.step === n)", steps_after)


def train_steps(page, count):
    for step in range(1, count + 1):
        train(page, step)


def run_edited(page, source):
    page.evaluate("() => document.getElementById('script').scrollIntoView({behavior: 'instant'})")
    page.click("#script-workbench .script-editor")
    page.click("#script-workbench .cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)
    page.click("#script-workbench .script-run")
    wait_until(page, "() => document.querySelector('#script-workbench .script-status').dataset.kind === 'ok'")


def timed(page, js, arg=None):
    return page.evaluate("async ([js, arg]) => { const t = performance.now(); const out = await (0, eval)(js)(arg);"
                         " return [performance.now() - t, out]; }", [js, arg])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=DEFAULT_PAGE)
    parser.add_argument("--switches", type=int, default=5)
    args = parser.parse_args()
    source = (ROOT / "py" / "microgpt.py").read_text(encoding="utf-8")
    if source.count("n_embd = 16") != 1:
        raise SystemExit("py/microgpt.py has no single `n_embd = 16` to edit")
    figures = []
    with chromium() as browser:
        context, page = open_page(browser, args.file.resolve().as_uri())
        try:
            wait_ready(page)
            train_steps(page, 5)
            first = page.evaluate("() => window.microgptGuide.runs().find((r) => r.current).id")
            run_edited(page, source.replace("n_embd = 16", "n_embd = 8"))
            train_steps(page, 5)
            second = page.evaluate("() => window.microgptGuide.runs().find((r) => r.current).id")
            times = []
            for i in range(args.switches):
                ms, _ = timed(page, "(id) => window.microgptGuide.useRun(id)", first if i % 2 == 0 else second)
                times.append(ms)
            print(f"switch runs (ms): {runs_text(times)}")
            figures.append(figure("switch to another run (setup, state, every chapter)", median(times), None, "<=",
                                  "ms", runs_text(times)))
            sizes = page.evaluate("""async () => {
                const core = window.microgptGuide.runsCore, out = [];
                for (const run of core.list()) {
                    let bytes = JSON.stringify(run).length;
                    for (const step of run.stateSteps ?? []) bytes += (await core.state(run.id, step))?.length ?? 0;
                    out.push([run.label, run.step, bytes]);
                }
                const packed = await core.pack([core.current.id]);
                let file = JSON.stringify(packed.runs).length;
                for (const states of Object.values(packed.states)) {
                    for (const b of Object.values(states)) file += b.length;
                }
                return {stored: out, file};
            }""")
            for label, step, size in sizes["stored"]:
                print(f"IndexedDB: run {label!r} at step {step}: {size / 1000:.0f} kB (record + kept states)")
            figures.append(figure("a default-size run packed into a downloaded guide", sizes["file"] / 1000,
                                  FILE_TARGET_KB, "<=", "kB", "its latest state + history, before the file's gzip"))
        finally:
            context.close()

        context, page = open_page(browser, args.file.resolve().as_uri())
        try:
            wait_ready(page)
            page.evaluate("() => document.querySelector('[data-live=training]').scrollIntoView({behavior: 'instant'})")
            wait_until(page, "() => document.querySelector('[data-live=training] .tr-jump')?.hidden === false")
            page.click('[data-live=training] .tr-jump-button[data-step="1000"]')
            wait_until(page, "() => window.microgptGuide.runs().some((r) => r.current && r.id === 'builtin-native')")
            ms, moved = timed(page, "(step) => window.microgptGuide.rewind(step)", 800)
            if moved["replayed"] != 500:
                raise SystemExit(f"the rewind replayed {moved['replayed']} steps, not 500")
            t0 = time.monotonic()
            train(page, 801)
            for step in range(802, 811):
                train(page, step)
            train_ms = (time.monotonic() - t0) * 1000 / 10
            print(f"rewind 500 steps: {ms:.0f} ms ({ms / 500:.1f} ms a step); training on the same page:"
                  f" {train_ms:.0f} ms a step, one click each")
            figures.append(figure("rewind 500 steps (state at 300 imported, 500 replayed)", ms, None, "<=", "ms",
                                  f"{ms / 500:.1f} ms a replayed step; training {train_ms:.0f} ms a step"))
        finally:
            context.close()
    report("runs.py", figures)


if __name__ == "__main__":
    main()
