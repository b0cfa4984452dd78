"""The guide in all three engines: the built file, opened via file://, boots, then a learner's
first moves run through the page's own UI (engine_scenario.py, engines/scenario.js): train one
step and see its loss, sample a name, step through the forward pass, download the guide with the
trained run and open that file (it is on the same run: step, losses, a seeded sample), change
n_embd and n_head in the fields and Run, and the page recorded no error and stayed offline.

Chromium goes through the Playwright fixtures of conftest.py, Firefox ESR through a puppeteer-core
Node script (WebDriver BiDi), WebKitGTK through Selenium + WebKitWebDriver + MiniBrowser under a
private Xvfb. An engine whose browser or driver is not installed is skipped with the missing piece
named (shown by `-ra`); once installed, any failure is a failure, never a skip.
Boot and per-step times (the page's own clock) go to test-artifacts/engine-runs.json and to each
test's junit properties; screenshots to test-artifacts/engine-<engine>-<step>.png."""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import engine_scenario as scenario
import pytest
from xdisplay import NoDisplay, private_display

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
FIREFOX = "/usr/bin/firefox-esr"
FIREFOX_SCRIPT = Path(__file__).parent / "engines" / "firefox.mjs"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"


def _record(artifacts: Path, record_property, engine: str, results: dict) -> None:
    """Keep each engine's times where a person or a benchmark can find them."""
    times = scenario.timings(results)
    record_property(f"{engine}_boot_ms", times["bootMs"])
    for step, ms in times["stepsMs"].items():
        record_property(f"{engine}_{step}_ms", ms)
    path = artifacts / "engine-runs.json"
    runs = json.loads(path.read_text()) if path.exists() else {}
    runs[engine] = {**times, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    path.write_text(json.dumps(runs, indent=2) + "\n")


def _driver_saw_nothing_wrong(engine: str, by_step: dict, what: str, keep=lambda item: True) -> None:
    """No console error / network request the driver saw, before the offline probe's own."""
    seen = {step: [i for i in items if keep(i)] for step, items in by_step.items() if step != "offline"}
    assert not any(seen.values()), f"{engine}: {what}: {seen}"


def _network(url: str) -> bool:
    return not url.startswith(("data:", "blob:", "file:", "about:"))


# --- Chromium -------------------------------------------------------------------------------


def _chromium_plan(rec, plan, artifacts):
    results, errors, requests = {}, {}, {}
    for step, args in plan:
        seen = (len(rec.errors), len(rec.requests))
        results[step] = rec.page.evaluate(scenario.CALL_JS, {"step": step, "args": args})
        errors[step], requests[step] = rec.errors[seen[0]:], rec.requests[seen[1]:]
        if step in scenario.SCREENSHOT_AFTER:
            rec.page.screenshot(path=str(artifacts / f"engine-chromium-{step}.png"))
        if not results[step]["ok"]:
            break
    return results, errors, requests


def test_chromium_runs_the_guide_from_file_url(open_page, built_page, artifacts, record_property, tmp_path):
    results, errors, requests = _chromium_plan(open_page(built_page.as_uri()), scenario.PLAN, artifacts)
    _record(artifacts, record_property, "chromium", results)
    scenario.check_screenshots("chromium", artifacts)
    scenario.check("chromium", results)
    # Playwright sees the console and every request, the worker's included.
    _driver_saw_nothing_wrong("chromium", errors, "console errors")
    _driver_saw_nothing_wrong("chromium", requests, "network requests", _network)
    copy = scenario.write_shared_copy(built_page, results["share"], tmp_path / "shared.html")
    opened, opened_errors, _ = _chromium_plan(open_page(copy.as_uri()), scenario.OPENED_PLAN, artifacts)
    scenario.check_shared("chromium", results["share"], opened.get("opened", {}))
    _driver_saw_nothing_wrong("chromium", opened_errors, "console errors in the shared copy")


# --- Firefox ESR ----------------------------------------------------------------------------


def _firefox(url, plan, artifacts):
    """The plan in a fresh Firefox on `url` (engines/firefox.mjs): its output line, parsed, and stderr."""
    # Its own session, so that a hung run can be ended with Firefox and all its content
    # processes, which would otherwise outlive a killed node.
    proc = subprocess.Popen(
        [shutil.which("node"), str(FIREFOX_SCRIPT), url, scenario.plan_json(plan), str(artifacts)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "FIREFOX_BIN": FIREFOX}, start_new_session=True,
    )
    limit = scenario.BOOT_TIMEOUT_S + scenario.STEP_TIMEOUT_S * len(plan)
    try:
        stdout, stderr = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        pytest.fail(f"the Firefox script hung; stdout: {stdout!r} stderr: {stderr[-2000:]!r}")
    lines = stdout.strip().splitlines()
    assert lines, f"the Firefox script printed nothing (exit {proc.returncode}): {stderr}"
    output = json.loads(lines[-1])
    assert "error" not in output, output["error"]
    return output, proc.returncode, stderr


def test_firefox_esr_runs_the_guide_from_file_url(built_page, artifacts, record_property, tmp_path):
    if not Path(FIREFOX).exists():
        pytest.skip(f"{FIREFOX} is not installed (apt-get install firefox-esr)")
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed: the Firefox driver is a puppeteer-core script")
    if not (REPO / "node_modules" / "puppeteer-core").exists():
        pytest.skip("node_modules/puppeteer-core is missing (make node-deps)")
    output, returncode, stderr = _firefox(built_page.as_uri(), scenario.PLAN, artifacts)
    _record(artifacts, record_property, "firefox", output["steps"])
    scenario.check_screenshots("firefox", artifacts)
    scenario.check("firefox", output["steps"])
    # Over BiDi the driver sees the page's console and the document's requests.
    _driver_saw_nothing_wrong("firefox", output["consoleErrors"], "console errors")
    _driver_saw_nothing_wrong("firefox", output["requests"], "network requests", _network)
    assert returncode == 0, stderr
    copy = scenario.write_shared_copy(built_page, output["steps"]["share"], tmp_path / "shared.html")
    opened, opened_returncode, opened_stderr = _firefox(copy.as_uri(), scenario.OPENED_PLAN, artifacts)
    scenario.check_shared("firefox", output["steps"]["share"], opened["steps"].get("opened", {}))
    _driver_saw_nothing_wrong("firefox", opened["consoleErrors"], "console errors in the shared copy")
    assert opened_returncode == 0, opened_stderr


# --- WebKitGTK ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def x_display():
    """A DISPLAY for MiniBrowser: a private Xvfb when installed (CI runs as root with no display;
    on a desktop it keeps the window off screen), else the session's own DISPLAY."""
    try:
        with private_display() as display:
            if display is None and not os.environ.get("DISPLAY"):
                pytest.skip("no DISPLAY and Xvfb is not installed (apt-get install xvfb)")
            yield display or os.environ["DISPLAY"]
    except NoDisplay as error:
        pytest.fail(str(error))


@pytest.fixture
def webkit(x_display):
    for path, package in ((WEBKIT_DRIVER, "webkit2gtk-driver"), (MINIBROWSER, "webkit2gtk-driver")):
        if not Path(path).exists():
            pytest.skip(f"{path} is not installed (apt-get install {package})")
    try:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.service import Service
    except ImportError:
        pytest.skip("selenium is not installed in the venv (make py-deps)")
    options = webdriver.WebKitGTKOptions()
    options.binary_location = MINIBROWSER
    # --automation lets WebKitWebDriver control the browser; MiniBrowser refuses otherwise.
    options.add_argument("--automation")
    service = Service(executable_path=WEBKIT_DRIVER, env={**os.environ, "DISPLAY": x_display})
    driver = webdriver.WebKitGTK(options=options, service=service)
    try:
        driver.set_script_timeout(scenario.DRIVER_TIMEOUT_S)
        driver.set_window_size(1440, 900)
        yield driver
    finally:
        driver.quit()


def _webkit_plan(webkit, url, plan, artifacts):
    webkit.get(url)
    script = scenario.selenium_script()
    results = {}
    for step, args in plan:
        results[step] = webkit.execute_async_script(script, step, args)
        if step in scenario.SCREENSHOT_AFTER:
            webkit.save_screenshot(str(artifacts / f"engine-webkitgtk-{step}.png"))
        if not results[step]["ok"]:
            break
    return results


# Selenium's own WebKitGTK class still sets remote_server_addr the deprecated way; not ours to fix.
@pytest.mark.filterwarnings("ignore:setting remote_server_addr:DeprecationWarning")
def test_webkitgtk_runs_the_guide_from_file_url(webkit, built_page, artifacts, record_property, tmp_path):
    # WebKitWebDriver returns no console logs and no requests: the page's own error list, its
    # resource timing and the CSP probe (the scenario's offline step) are what there is.
    results = _webkit_plan(webkit, built_page.as_uri(), scenario.PLAN, artifacts)
    _record(artifacts, record_property, "webkitgtk", results)
    scenario.check_screenshots("webkitgtk", artifacts)
    scenario.check("webkitgtk", results)
    copy = scenario.write_shared_copy(built_page, results["share"], tmp_path / "shared.html")
    opened = _webkit_plan(webkit, copy.as_uri(), scenario.OPENED_PLAN, artifacts)
    scenario.check_shared("webkitgtk", results["share"], opened.get("opened", {}))
