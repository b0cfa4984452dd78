"""Stop while Python never returns: how long until the page is usable again, with the model as it
was after the last completed step (issue "Faults while training": <= 500 ms with the model back;
issue "Live Python in a second": Stop -> ready <= 300 ms, measured in setup: the edit's setup never
finished, so Python comes back with the script that ran before and its model).

Three places a learner's edit loops forever, each a script made from py/microgpt.py:
  setup     `while True: pass` before the training loop; Run it, then Stop (the editor's button)
  step      `while True: pass` in the training loop's body at its third step; train, then Stop
  sampling  `while True: pass` in the sampling loop at its third position; sample, then Stop
The time runs from Stop to the page's Python answering again with the model restored (for
`step`: back at step 2, which the test checks); for `setup`, to its answer to `info`.

    .venv/bin/python bench/restart.py [--file dist/microgpt-guide.html] [--runs 3] [--wait 1.5]
"""

import argparse
import time
from pathlib import Path

from common import DEFAULT_PAGE, ROOT, chromium, figure, median, open_page, report, runs_text, wait_ready, wait_until

PANEL = "#script-workbench"
TARGET_MS = {"setup": 300, "step": 500, "sampling": 500}


def edited(where):
    source = (ROOT / "py" / "microgpt.py").read_text(encoding="utf-8")
    anchors = {
        "setup": ("num_steps = ", "while True: pass\nnum_steps = "),
        "step": ("    doc = docs[step % len(docs)]\n",
                 "    if step == 2:\n        while True: pass\n    doc = docs[step % len(docs)]\n"),
        "sampling": ("        logits = gpt(token_id, pos_id, keys, values)\n",
                     "        if pos_id == 2:\n            while True: pass\n"
                     "        logits = gpt(token_id, pos_id, keys, values)\n"),
    }
    anchor, replacement = anchors[where]
    if source.count(anchor) < 1:
        raise SystemExit(f"py/microgpt.py has no {anchor!r} to put the loop at")
    # The sampling loop's call is the second one in the file: the training loop has the first.
    if where == "sampling":
        at = source.rindex(anchor)
        return source[:at] + replacement + source[at + len(anchor):]
    return source.replace(anchor, replacement, 1)


def type_and_run(page, source):
    page.click(f"{PANEL} .script-editor")  # the real editor replaces the preview on first use
    page.click(f"{PANEL} .cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)
    page.click(f"{PANEL} .script-run")


def stop_ms(page):
    """Stop now; ms until Python is back with the last good state (microgptGuide.stop())."""
    return page.evaluate("async () => { const t0 = performance.now(); await window.microgptGuide.stop();"
                         " return performance.now() - t0; }")


def one_stop(browser, url, where, wait_s):
    context, page = open_page(browser, url)
    try:
        wait_ready(page)
        type_and_run(page, edited(where))
        if where == "setup":
            wait_until(page, f"() => document.querySelector('{PANEL}').dataset.running === 'true'")
            time.sleep(wait_s)  # the learner notices that the run does not return
            t0 = page.evaluate("() => performance.now()")
            page.click(f"{PANEL} .script-stop")
            wait_until(page, "() => window.microgptGuide.status.state === 'ready'", every=0.02)
            wait_until(page, "() => window.microgptGuide.call('info', {}).then(() => true)", every=0.02)
            return page.evaluate("() => performance.now()") - t0, None
        wait_until(page, f"() => document.querySelector('{PANEL} .script-status').dataset.kind === 'ok'")
        if where == "step":
            page.evaluate("() => document.querySelector('[data-live=training]').scrollIntoView()")
            page.click("[data-live=training] .tr-button[data-action='10']")
            wait_until(page, "() => document.querySelector('[data-live=training] .live-body').dataset.steps === '2'")
        else:
            page.evaluate("() => { window.microgptGuide.call('sample', {seed: 1}).catch(() => {}); }")
        time.sleep(wait_s)
        ms = stop_ms(page)
        # Python answers at once: after a Stop no chapter asks again for what was stopped (the
        # inference chapter does not draw again into the sampling loop the learner just ended).
        step = page.evaluate("() => window.microgptGuide.call('info', {}).then((i) => i.step)")
        return ms, step if where == "step" else None
    finally:
        context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=DEFAULT_PAGE)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--wait", type=float, default=1.5, help="seconds between the loop starting and Stop")
    args = parser.parse_args()
    url = args.file.resolve().as_uri()
    figures = []
    with chromium() as browser:
        for where in ("setup", "step", "sampling"):
            found = [one_stop(browser, url, where, args.wait) for _ in range(args.runs)]
            times = [ms for ms, _ in found]
            kept = {step for _, step in found}
            detail = runs_text(times) + (f"; model back at step {sorted(kept)}" if where == "step" else "")
            print(f"Stop in {where} -> Python usable again (ms): {detail}")
            if where == "step" and kept != {2}:
                raise SystemExit(f"Stop lost trained steps: the model came back at step {kept}, not 2")
            figures.append(figure(f"Stop in an endless {where} loop -> usable, model kept",
                                  median(times), TARGET_MS[where], "<=", "ms", detail))
    report("restart.py", figures)


if __name__ == "__main__":
    main()
