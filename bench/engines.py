"""Python ready in Firefox ESR and WebKitGTK: the built page via file://, cold (a fresh browser and
profile each time), N times each, alternating, through the drivers of the cross-engine scenario
(tests/browser/test_engines.py): puppeteer-core over WebDriver BiDi for Firefox, Selenium +
WebKitWebDriver + MiniBrowser under a private Xvfb for WebKitGTK. Only the scenario's `ready`
step runs: the time is the page's own (microgptGuide.status.bootMs, from navigation), with the
worker's boot stages.

    .venv/bin/python bench/engines.py [--runs 3] [--file dist/microgpt-guide.html]

An engine that is not installed is reported as not measured (run.py shows an error, not a FAIL).
"""

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import DEFAULT_PAGE, ROOT, figure, median, report, runs_text

sys.path.insert(0, str(ROOT / "tests" / "browser"))
import engine_scenario as scenario  # noqa: E402
from xdisplay import private_display  # noqa: E402

FIREFOX = "/usr/bin/firefox-esr"
FIREFOX_SCRIPT = ROOT / "tests" / "browser" / "engines" / "firefox.mjs"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
BOOT_TIMEOUT_S = 180
PLAN = [("ready", {"bootTimeoutMs": BOOT_TIMEOUT_S * 1000, "timeoutMs": BOOT_TIMEOUT_S * 1000})]
TARGETS_S = {"firefox": 1.5, "webkitgtk": 3.0}


def firefox_ready(url):
    """{bootMs, stages} of one cold load in Firefox ESR, or None if it cannot run here."""
    node = shutil.which("node")
    if not (Path(FIREFOX).exists() and node and (ROOT / "node_modules" / "puppeteer-core").exists()):
        return None
    plan = json.dumps({"plan": PLAN, "screenshots": []})
    proc = subprocess.run([node, str(FIREFOX_SCRIPT), url, plan], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "FIREFOX_BIN": FIREFOX}, timeout=BOOT_TIMEOUT_S + 60)
    lines = proc.stdout.strip().splitlines()
    if not lines:
        raise SystemExit(f"the Firefox driver printed nothing: {proc.stderr[-2000:]}")
    ready = json.loads(lines[-1])["steps"].get("ready") or {}
    return ready if ready.get("state") == "ready" else _failed("firefox", ready)


@contextlib.contextmanager
def xvfb():
    """A private X display for MiniBrowser (tests/browser/xdisplay.py), else the session's own."""
    with private_display() as display:
        yield display or os.environ.get("DISPLAY")


def webkit_ready(url, display):
    """{bootMs, stages} of one cold load in WebKitGTK's MiniBrowser, or None if it cannot run here."""
    if not (display and Path(WEBKIT_DRIVER).exists() and Path(MINIBROWSER).exists()):
        return None
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.service import Service

    options = webdriver.WebKitGTKOptions()
    options.binary_location = MINIBROWSER
    options.add_argument("--automation")
    driver = webdriver.WebKitGTK(options=options, service=Service(executable_path=WEBKIT_DRIVER,
                                                                  env={**os.environ, "DISPLAY": display}))
    try:
        driver.set_script_timeout(BOOT_TIMEOUT_S + 30)
        driver.set_window_size(1440, 900)
        driver.get(url)
        step, args = PLAN[0]
        ready = driver.execute_async_script(scenario.selenium_script(), step, args)
    finally:
        driver.quit()
    return ready if ready.get("state") == "ready" else _failed("webkitgtk", ready)


def _failed(engine, result):
    raise SystemExit(f"{engine}: the page did not boot: {result}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="cold loads in each engine")
    parser.add_argument("--file", type=Path, default=DEFAULT_PAGE)
    args = parser.parse_args()
    url = args.file.resolve().as_uri()
    runs = {"firefox": [], "webkitgtk": []}
    import warnings

    warnings.filterwarnings("ignore", message="setting remote_server_addr")
    with xvfb() as display:
        for _ in range(args.runs):
            for engine in ("firefox", "webkitgtk"):
                result = firefox_ready(url) if engine == "firefox" else webkit_ready(url, display)
                if result is not None:
                    runs[engine].append(result)
                time.sleep(0.2)
    figures = []
    for engine, results in runs.items():
        ready = [r["bootMs"] for r in results]
        stages = {}
        for r in results:
            for name, text in r.get("stages") or []:
                stages.setdefault(name, []).append(text)
        print(f"{engine:10} python ready {median(ready) or 0:6.0f} ms median  (runs: {runs_text(ready)})")
        for name, texts in stages.items():
            print(f"             stage {name:<8} {', '.join(texts)}")
        name = {"firefox": "Firefox ESR", "webkitgtk": "WebKitGTK"}[engine]
        figures.append(figure(f"Python ready (setup done), {name}, file://",
                              median(ready) / 1000 if ready else None, TARGETS_S[engine], "<=", "s",
                              f"runs: {runs_text(ready)}; stages (each run): "
                              + "; ".join(f"{k} {', '.join(v)}" for k, v in stages.items())
                              if ready else "not installed here"))
    report("engines.py", figures)


if __name__ == "__main__":
    main()
