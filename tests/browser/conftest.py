"""Browser tests open the built file in Debian's Chromium through Playwright.

The file is built once per session (unless BUILT_PAGE points at one). Under the page's CSP,
Playwright's wait_for_function is refused (it evaluates a string), so tests poll with
page.evaluate of a function."""

import functools
import http.server
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from builder.build import build
from builder.paths import DEFAULT_DATASET, DEFAULT_SCRIPT, DIST
from chromium import CHROMIUM, CHROMIUM_ARGS
from png_check import BLANK_RATIO, BLANK_RATIO_FULL_PAGE, assert_drawn

pytest_plugins = ["sharding"]  # --shard K/N (make browser-tests runs two parts side by side)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
READY_TIMEOUT_S = 60


@pytest.fixture(scope="session")
def built_page() -> Path:
    if os.environ.get("BUILT_PAGE"):
        return Path(os.environ["BUILT_PAGE"])
    if not DIST.exists() or os.environ.get("REBUILD") == "1":
        build(DIST, DEFAULT_SCRIPT, DEFAULT_DATASET)
    return DIST


@pytest.fixture(scope="session")
def wide_page(tmp_path_factory) -> Path:
    """The guide built around an edited script: two layers of eight heads."""
    source = DEFAULT_SCRIPT.read_text(encoding="utf-8")
    edited = source.replace("n_layer = 1", "n_layer = 2", 1).replace("n_head = 4", "n_head = 8", 1)
    assert edited.count("n_layer = 2") == 1 and edited.count("n_head = 8") == 1
    folder = tmp_path_factory.mktemp("two-layers-eight-heads")
    script = folder / "microgpt.py"
    script.write_text(edited, encoding="utf-8")
    out = folder / "guide.html"
    build(out, script, DEFAULT_DATASET)
    return out


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def screenshots_show_a_drawn_page():
    """Every screenshot a test saves is for a person to look at, and a page can pass every DOM
    check and paint nothing: each one written during the test must not be blank."""
    start = time.time() - 2  # file times come from a coarser clock, which can lag time.time()
    yield
    if ARTIFACTS.exists():
        for png in ARTIFACTS.rglob("*.png"):
            if png.stat().st_mtime >= start:
                assert_drawn(png, BLANK_RATIO_FULL_PAGE if "full" in png.name else BLANK_RATIO)


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class RecordedPage:
    """A page with its console errors and every request it made."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))
        # Requests from the worker go through the same browser context.
        page.context.on("request", lambda r: self.requests.append(r.url))

    def wait_ready(self, timeout=READY_TIMEOUT_S) -> dict:
        """Await window.microgptGuide.ready; returns the script's info or fails with its error."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.page.evaluate(
                """async () => {
                    if (!window.microgptGuide) return {state: 'loading'};
                    const timeout = new Promise((r) => setTimeout(() => r({state: 'pending'}), 500));
                    const ready = window.microgptGuide.ready.then(
                        (info) => ({state: 'ready', info}),
                        (error) => ({state: 'failed', error: JSON.parse(JSON.stringify(error ?? null))}));
                    return Promise.race([ready, timeout]);
                }"""
            )
            if state["state"] == "ready":
                return state["info"]
            if state["state"] == "failed":
                pytest.fail(f"the page failed to boot: {state['error']}")
        pytest.fail(f"not ready after {timeout} s")

    def call(self, method, args=None):
        return self.page.evaluate(
            """async ([method, args]) => {
                try { return {ok: true, result: await window.microgptGuide.call(method, args)}; }
                catch (error) { return {ok: false, error}; }
            }""",
            [method, args or {}],
        )

    def network_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("data:", "blob:", "file:"))]


@pytest.fixture
def open_page(chromium):
    contexts = []

    def _open(url: str, viewport=(1440, 900)) -> RecordedPage:
        context = chromium.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        page = context.new_page()
        recorded = RecordedPage(page)
        page.goto(url)
        return recorded

    yield _open
    for context in contexts:
        context.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def http_url(built_page):
    handler = functools.partial(_QuietHandler, directory=str(built_page.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{built_page.name}"
    server.shutdown()
