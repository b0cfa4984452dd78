"""Stop during a run that never returns: how long until Python is ready again (issue 7: a fresh
worker within 2 s; issue "Live Python in a second": within 300 ms). The learner's path: type a
script with `while True: pass` before the training loop into the editor, Run, wait, Stop; the
time runs from the Stop click to the page's Python being ready with the last script that ran.

    .venv/bin/python bench/restart.py [--file dist/microgpt-guide.html] [--runs 3] [--wait 1.5]
"""

import argparse
import time
from pathlib import Path

from common import DEFAULT_PAGE, ROOT, chromium, figure, median, open_page, report, runs_text, wait_ready, wait_until

PANEL = "#script-workbench"
ENDLESS = "while True: pass\n"


def endless_script():
    source = (ROOT / "py" / "microgpt.py").read_text(encoding="utf-8")
    anchor = "num_steps = "
    if anchor not in source:
        raise SystemExit("py/microgpt.py has no `num_steps = ` line to put the loop before")
    return source.replace(anchor, ENDLESS + anchor, 1)


def one_restart(browser, url, source, wait_s):
    context, page = open_page(browser, url)
    try:
        wait_ready(page)
        page.click(f"{PANEL} .script-editor")  # the real editor replaces the preview on first use
        page.click(f"{PANEL} .cm-content")
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(source)
        page.click(f"{PANEL} .script-run")
        wait_until(page, f"() => document.querySelector('{PANEL}').dataset.running === 'true'")
        time.sleep(wait_s)  # the learner notices that the run does not return
        t0 = page.evaluate("() => performance.now()")
        page.click(f"{PANEL} .script-stop")
        ready_at = wait_until(
            page,
            "() => window.microgptGuide.status.state === 'ready' && window.microgptGuide.status.bootMs",
            every=0.02,
        )
        return ready_at - t0
    finally:
        context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=DEFAULT_PAGE)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--wait", type=float, default=1.5, help="seconds between Run and Stop")
    args = parser.parse_args()
    source = endless_script()
    with chromium() as browser:
        times = [one_restart(browser, args.file.resolve().as_uri(), source, args.wait) for _ in range(args.runs)]
    print(f"Stop -> Python ready again (ms): {runs_text(times)}")
    report("restart.py", [
        figure("Stop -> fresh Python ready (Run, then Stop after "
               f"{args.wait:g} s)", median(times), 300, "<=", "ms", runs_text(times)),
    ])


if __name__ == "__main__":
    main()
