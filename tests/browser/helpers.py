"""Small helpers shared by the browser tests.

Under the page's CSP, Playwright's wait_for_function is refused (it evaluates a string in the
page), so waiting means polling with page.evaluate of a function."""

import time

import pytest

WAIT_S = 90.0  # generous: it only matters when something is wrong, and CI machines are shared


def wait_until(page, js, arg=None, timeout=WAIT_S):
    """Evaluate the JS function `js` (with `arg`) until it returns something truthy; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(js, arg)
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for: {js}")


def open_code_panel(page, scope):
    """Open the code panel inside `scope` (a selector) and wait for its lines: a closed panel
    draws nothing, and it draws them on the "toggle" event, a task after the click."""
    page.click(f"{scope} .code-panel summary")
    wait_until(page, "(s) => document.querySelectorAll(`${s} .code-panel .code-line`).length", scope)


def type_script(page, source):
    """Replace the editor's text the way a learner would: select all, paste."""
    page.evaluate("() => document.getElementById('script').scrollIntoView({behavior: 'instant'})")
    page.click("#script-workbench .script-editor")  # the real editor replaces the preview on first use
    page.click("#script-workbench .cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)


def run_script(page, kinds=("ok", "warn"), timeout=WAIT_S):
    """Press Run; wait for a status of one of `kinds`: [kind, text]."""
    page.click("#script-workbench .script-run")
    return wait_until(page, """(kinds) => {
        const s = document.querySelector('#script-workbench .script-status');
        return kinds.includes(s.dataset.kind) && [s.dataset.kind, s.textContent];
    }""", list(kinds), timeout=timeout)
