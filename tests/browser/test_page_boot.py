"""The built file boots real Python in a worker, offline, via file:// and via http."""

import time

import pytest
from settle import settle

pytestmark = pytest.mark.browser


def test_file_url_boots_and_runs_python_in_the_worker(open_page, built_page, artifacts):
    rec = open_page(built_page.as_uri())
    info = rec.wait_ready()
    assert info["vocab"]["size"] == 27 and info["num_docs"] == 32033
    answer = rec.call("eval", {"code": "import sys; (sys.platform, vocab_size, len(params))"})
    assert answer["ok"], answer
    assert answer["result"]["repr"] == "('emscripten', 27, 4192)"
    # Python runs in the worker, never on the page: the page has no Pyodide of its own.
    assert rec.page.evaluate("() => typeof window.loadPyodide === 'undefined' && typeof window.pyodide === 'undefined'")
    assert rec.network_requests() == []
    assert rec.errors == []
    rec.page.screenshot(path=str(artifacts / "page-full.png"), full_page=True)


def test_http_boots_offline(open_page, http_url):
    rec = open_page(http_url)
    rec.wait_ready()
    assert rec.call("eval", {"code": "1 + 1"})["result"]["repr"] == "2"
    # The page itself came from the local server; nothing else was requested.
    assert [u for u in rec.network_requests() if u != http_url] == []
    assert rec.errors == []


def test_boot_progress_shows_every_stage_with_its_time(open_page, built_page):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    stages = rec.page.evaluate(
        """() => [...document.querySelectorAll('#boot-stages li')].map((li) =>
            [li.dataset.stage, li.dataset.status, li.querySelector('.stage-time').textContent])"""
    )
    assert [s[0] for s in stages] == ["decode", "compile", "python", "setup"]
    for name, status, time_text in stages:
        assert status == "done", name
        assert time_text.endswith(("ms", " s")), name
    assert "ready" in rec.page.text_content("#boot-total")


def test_the_page_draws_every_chapter_without_the_lazy_stdlib(open_page, built_page):
    """Everything the boot, the bridge and the chapters import is in the stdlib's boot zip: once
    every chapter has drawn, the lazy zip is still undecoded text (py/builder/stdlib.py). The first
    import of a module outside the boot zip decodes it, and the import works."""
    rec = open_page(built_page.as_uri())
    settle(rec)
    mounted = "import sys; [p for p in sys.path if p.endswith('-lazy.zip')]"
    assert rec.call("eval", {"code": mounted})["result"]["repr"] == "[]"
    answer = rec.call("eval", {"code": "import email.message, xml.dom.minidom; email.message.__spec__.origin"})
    assert answer["result"]["repr"] == "'/lib/python314-lazy.zip/email/message.pyc'"
    assert rec.call("eval", {"code": mounted})["result"]["repr"] == "['/lib/python314-lazy.zip']"
    assert rec.errors == []


def test_sections_show_the_scripts_numbers(open_page, built_page):
    rec = open_page(built_page.as_uri())
    info = rec.wait_ready()
    dataset = rec.page.text_content('[data-live="dataset"]')
    assert str(info["num_docs"]) in dataset and info["docs_head"][0] in dataset
    assert "4192" in rec.page.text_content('[data-live="parameters"]')


def test_console_shows_the_scripts_printed_output(open_page, built_page):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    rec.page.click("#console-toggle")
    text = rec.page.text_content("#console-body")
    for line in ("num docs: 32033", "vocab size: 27", "num params: 4192"):
        assert line in text


def test_python_errors_come_back_structured(open_page, built_page):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    answer = rec.call("eval", {"code": "1 / 0"})
    assert not answer["ok"]
    assert answer["error"]["type"] == "ZeroDivisionError"
    assert "division by zero" in answer["error"]["message"]
    # The worker is still usable afterwards.
    assert rec.call("eval", {"code": "2 * 21"})["result"]["repr"] == "42"


def test_scroll_spy_follows_scrolling(open_page, built_page):
    rec = open_page(built_page.as_uri())
    page = rec.page
    active = "() => document.querySelector('.toc a.active')?.dataset.nav"

    def active_becomes(chapter, timeout=5.0):
        # Intersection observers report on a later frame; on a loaded machine that can take a while.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if page.evaluate(active) == chapter:
                return True
            page.wait_for_timeout(100)
        return False

    for chapter in ("dataset", "parameters", "training", "inference"):
        page.evaluate("(id) => document.getElementById(id).scrollIntoView({behavior: 'instant'})", chapter)
        assert active_becomes(chapter), page.evaluate(active)
    page.click('a[data-nav="autograd"]')
    assert active_becomes("autograd"), page.evaluate(active)


def test_csp_refuses_any_connection(open_page, built_page):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    outcome = rec.page.evaluate(
        """async () => {
            const violations = [];
            document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
            let fetched = 'allowed';
            try { await fetch('http://127.0.0.1:9/probe'); } catch { fetched = 'refused'; }
            await new Promise((r) => setTimeout(r, 100));
            return {fetched, violations};
        }"""
    )
    assert outcome["fetched"] == "refused"
    assert any(v.startswith("connect-src") for v in outcome["violations"])
    rec.errors.clear()  # the refusal itself is logged as a console error, as it should be


@pytest.mark.parametrize("feature,named", [
    ("DecompressionStream", "DecompressionStream"),
    ("WebAssembly", "WebAssembly"),
])
def test_a_missing_browser_feature_is_named(chromium, built_page, feature, named):
    context = chromium.new_context()
    context.add_init_script(f"delete window.{feature};")
    page = context.new_page()
    page.goto(built_page.as_uri())
    page.wait_for_timeout(300)
    state = page.evaluate("() => window.microgptGuide.status")
    message = page.text_content("#boot-message")
    context.close()
    assert state["state"] == "failed"
    assert named in message and "lacks" in message
