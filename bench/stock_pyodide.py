"""The boot baseline: stock Pyodide (node_modules/pyodide, as npm ships it) loaded from local
files by a tiny page, then the script's setup run, in the same Chromium as the guide.

The page is served by a localhost http.server (Pyodide fetches its wasm, stdlib zip and lock
file, which Chromium refuses over file://). It loads `pyodide.js` with a <script> tag, calls
loadPyodide() on the page's main thread (Pyodide's documented usage), writes the names list to
`input.txt`, and runs the script's setup: its lines before the training loop, as the bridge
finds them from the AST (info.phases.setup), i.e. the same top-level code the guide's `load`
runs. "Ready" is performance.now() once that returns, measured from navigation like the
guide's own figure.
"""

import contextlib
import functools
import http.server
import os
import tempfile
import threading
from pathlib import Path

from common import ROOT, wait_until

PYODIDE = ROOT / "node_modules" / "pyodide"
SCRIPT = ROOT / "py" / "microgpt.py"
NAMES = ROOT / "py" / "data" / "names.txt"
RUNTIME = ("pyodide.js", "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")

PAGE = """<!doctype html><meta charset="utf-8"><title>stock pyodide</title>
<script src="pyodide.js"></script>
<script>
window.__stock = {state: 'booting'};
(async () => {
  try {
    const pyodide = await loadPyodide();
    const loadMs = performance.now();
    const [setup, names] = await Promise.all(['setup.py', 'names.txt'].map((f) => fetch(f).then((r) => r.text())));
    pyodide.FS.writeFile('input.txt', names);
    pyodide.runPython(setup);
    const readyMs = performance.now();
    window.__stock = {state: 'ready', loadMs, readyMs, setupMs: readyMs - loadMs, version: pyodide.version};
  } catch (e) {
    window.__stock = {state: 'failed', error: String(e && e.stack || e)};
  }
})();
</script>
"""


def setup_source():
    """The script's setup (the lines before its training loop), found by the bridge."""
    import sys

    sys.path.insert(0, str(ROOT / "py"))
    from bridge.api import Session

    source = SCRIPT.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as work:
        answer = Session(workdir=work).handle("load", {"source": source, "dataset": NAMES.read_text()})
    first, last = answer["result"]["phases"]["setup"]
    return "\n".join(source.splitlines()[first - 1:last]) + "\n", (first, last)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve():
    """A localhost server for the baseline page; yields (url, setup line range)."""
    setup, lines = setup_source()
    with tempfile.TemporaryDirectory() as folder:
        for name in RUNTIME:
            os.symlink(PYODIDE / name, Path(folder, name))
        Path(folder, "index.html").write_text(PAGE, encoding="utf-8")
        Path(folder, "setup.py").write_text(setup, encoding="utf-8")
        Path(folder, "names.txt").write_bytes(NAMES.read_bytes())
        handler = functools.partial(_Quiet, directory=folder)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/index.html", lines
        finally:
            server.shutdown()
            server.server_close()


def measure(browser, url):
    """One cold load of the baseline page: {loadMs, readyMs, setupMs} from navigation."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        done = "() => window.__stock && window.__stock.state !== 'booting' && window.__stock"
        result = wait_until(page, done, every=0.02)
    finally:
        context.close()
    if result["state"] != "ready":
        raise SystemExit(f"stock Pyodide did not boot: {result.get('error')}")
    return result
