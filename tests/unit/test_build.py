"""The build makes one self-contained file: every embedded asset decodes to the bytes it came
from, nothing refers to the network, and the CSP forbids connections."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from builder import csp, runtime, snapshot, text8
from builder.build import build, python_sources
from builder.compress import decode_asset, decode_gzip_base64
from builder.first_frame import ScriptSetupError
from builder.paths import DEFAULT_DATASET, DEFAULT_SCRIPT, PY_DIR, PYODIDE_DIR, ROOT

pytestmark = [
    pytest.mark.skipif(sys.platform == "emscripten", reason="the build runs on the host, not inside Pyodide"),
    pytest.mark.skipif(not PYODIDE_DIR.exists() or shutil.which("node") is None,
                       reason="node_modules/pyodide or node is missing (run `npm ci`)"),
]

DEFAULT_SCRIPT_BLOCK = {"filename": DEFAULT_SCRIPT.name, "source": DEFAULT_SCRIPT.read_text(encoding="utf-8")}
SCRIPT_RE = re.compile(r"<script ([^>]*)>(.*?)</script>", re.DOTALL)
ATTR_RE = re.compile(r'([\w-]+)="([^"]*)"')


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist") / "guide.html"
    build(out, DEFAULT_SCRIPT, DEFAULT_DATASET)
    return out.read_text(encoding="latin-1")  # windows-1252 bytes, as they are (builder/charset.py)


@pytest.fixture(scope="module")
def blocks(page):
    return [(dict(ATTR_RE.findall(attrs)), body) for attrs, body in SCRIPT_RE.findall(page)]


def block(blocks, **wanted):
    """The text of the block(s) with these attributes; a large asset is split over several
    consecutive blocks, which the page joins in order."""
    found = [body for attrs, body in blocks if all(attrs.get(k) == v for k, v in wanted.items())]
    assert found, f"no block with {wanted}"
    if "data-asset" not in wanted:
        assert len(found) == 1, f"expected one block with {wanted}, found {len(found)}"
    return "".join(found)


def test_one_file_with_everything(page, blocks):
    names = {attrs.get("data-asset") for attrs, _ in blocks} - {None}
    assert names == {"pyodide.mjs", "pyodide.asm.mjs", "pyodide-snapshot.bin", "pyodide.asm.wasm", "python_stdlib.zip",
                     "pyodide-lock.json", "python_stdlib_lazy.zip"}
    embedded = {attrs.get("data-embedded") for attrs, _ in blocks} - {None}
    assert embedded == {"build-info", "default-script", "python-sources", "dataset", "first-frame", "worker-source",
                        "editor-module", "checkpoints", "runs"}  # checkpoints: only for the default script and data
    assert block(blocks, **{"data-embedded": "runs"}) == ""  # a learner's download fills it (js/runs-file.js)
    # No other file is referenced: no src=, href= to anything but an in-page anchor.
    assert not re.search(r'\ssrc="', page)
    assert set(re.findall(r'href="([^"]*)"', page)) <= {f"#{x}" for x in re.findall(r'id="([^"]+)"', page)}


def test_page_script_runs_before_the_runtime_is_parsed(blocks):
    """The page's script is an async module between what the first frame and the worker's boot
    message need and the runtime, whose files the page hands over as they are parsed, in the
    order the worker starts on them (js/embedded.js, py/builder/runtime.py)."""
    kinds = [attrs.get("data-embedded") or attrs.get("data-asset") or attrs.get("type") for attrs, _ in blocks]
    page_at = kinds.index("module")
    assert {"async", "data-page"} <= blocks[page_at][0].keys()  # page-snapshot.js finds it by data-page
    before, after = set(kinds[:page_at]), kinds[page_at + 1:]
    # The worker's source and the line that starts it come first, in the head (py/builder/build.py).
    assert kinds[:2] == ["worker-source", "text/javascript"] and "data-start" in blocks[1][0]
    assert before == {"worker-source", "text/javascript", "build-info", "default-script", "dataset", "runs",
                      "first-frame", "python-sources"}
    runtime = list(dict.fromkeys(after[:-2]))  # a large asset's pieces are consecutive blocks
    assert runtime == ["pyodide.mjs", "pyodide.asm.mjs", "pyodide-lock.json", "pyodide.asm.wasm",
                       "pyodide-snapshot.bin", "python_stdlib.zip", "python_stdlib_lazy.zip"]
    assert after[-2:] == ["checkpoints", "editor-module"]  # read once the page is parsed


def asset(blocks, name):
    """(encoding, text) of a runtime asset."""
    encodings = {attrs["data-encoding"] for attrs, _ in blocks if attrs.get("data-asset") == name}
    assert len(encodings) == 1, encodings
    return encodings.pop(), block(blocks, **{"data-asset": name})


@pytest.mark.parametrize("name", ["pyodide.mjs", "pyodide.asm.mjs"])
def test_runtime_assets_decode_to_the_pinned_package(blocks, name):
    encoding, text = asset(blocks, name)
    assert encoding == runtime.ENCODINGS[name]
    assert decode_asset(encoding, text) == (PYODIDE_DIR / name).read_bytes()


def test_the_wasm_is_the_pinned_one_and_its_data_is_in_the_snapshot(blocks):
    """The page restores Python from the build's snapshot: its wasm is the package's without the
    data segments, whose bytes come first in the snapshot (builder/snapshot.py)."""
    wasm = (PYODIDE_DIR / "pyodide.asm.wasm").read_bytes()
    encoding, text = asset(blocks, "pyodide.asm.wasm")
    assert encoding == runtime.ENCODINGS["pyodide.asm.wasm"]
    assert decode_asset(encoding, text) == snapshot.strip_data(wasm)
    encoding, text = asset(blocks, "pyodide-snapshot.bin")
    assert encoding == "zst+text8"
    image, pyodide_snapshot = snapshot.unpack(text8.decode(text))
    assert image == snapshot.data_image(wasm)
    assert pyodide_snapshot[:4] == snapshot.PYODIDE_MAGIC.to_bytes(4, "little")


# The budget for the whole file (issue "Any microgpt", which brought the whole stdlib): the page must
# stay a download one can take anywhere.
MAX_BYTES = 10_000_000


def test_the_file_fits_the_size_budget(page):
    size = len(page.encode("latin-1"))
    assert size <= MAX_BYTES, f"the built page is {size / 1e6:.2f} MB, over {MAX_BYTES / 1e6:.0f} MB"


def test_the_editor_is_its_own_module_and_not_in_the_page_bundle(blocks):
    editor = decode_asset("gzip+text8", block(blocks, **{"data-embedded": "editor-module"})).decode()
    assert "CodeEditor" in editor and "cm-content" in editor
    page_js = block(blocks, type="module")
    assert "cm-content" not in page_js  # CodeMirror is embedded once, in the editor's module


def test_no_character_the_html_parser_would_change(page):
    # Binary assets are text8 (builder/text8.py), which may use any byte but these: the parser
    # turns NUL into U+FFFD and CR into LF, and the page would read other bytes back.
    assert "\x00" not in page and "\r" not in page


def test_pinned_pyodide_version():
    package = json.loads((PYODIDE_DIR.parents[1] / "package.json").read_text())
    assert package["devDependencies"]["pyodide"] == runtime.pyodide_version() == "314.0.7"


def test_the_boot_stages_say_python_is_restored_from_the_snapshot(page):
    """Nothing precomputed without saying so: the hero's stage names the build's snapshot."""
    assert "Restore Python (started when this page was built, a snapshot)" in page
    assert "Start the Python interpreter" not in page


def test_stdlib_is_the_one_the_build_made(blocks):
    """The lazy zip whole; the boot zip without what the snapshot has imported."""
    zips = runtime.stdlib_zips()
    made = snapshot.snapshot_asset(zips.boot, python_sources(), DEFAULT_SCRIPT_BLOCK,
                                   DEFAULT_DATASET.read_text(encoding="utf-8-sig"))
    assert made is not None and "json/__init__.pyc" in made.imported
    assert decode_asset(*asset(blocks, "python_stdlib.zip")) == snapshot.page_boot_zip(zips.boot, made.imported)
    assert decode_asset(*asset(blocks, "python_stdlib_lazy.zip")) == zips.lazy


def test_lockfile_is_minimal_and_matches_the_package(blocks):
    lock = json.loads(block(blocks, **{"data-asset": "pyodide-lock.json"}))
    original = json.loads((PYODIDE_DIR / "pyodide-lock.json").read_text())
    assert lock == {"info": original["info"], "packages": {}}


def test_python_sources_and_data_are_embedded_unchanged(blocks):
    sources = block(blocks, **{"data-embedded": "python-sources"})
    assert json.loads(decode_asset("gzip+text8", sources)) == python_sources()
    script = json.loads(block(blocks, **{"data-embedded": "default-script"}))
    assert script == {"filename": "microgpt.py", "source": DEFAULT_SCRIPT.read_text(encoding="utf-8")}
    dataset = decode_gzip_base64(block(blocks, **{"data-embedded": "dataset"}))
    assert hashlib.sha256(dataset).hexdigest() == (
        "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d")


def test_no_external_url_is_referenced(page, blocks):
    # The default script's text is shown to the learner and holds the URL its download branch
    # would use; the bridge writes input.txt first, so that branch never runs. Everything else
    # that is readable in the file (markup, CSS, our JS) must name no host.
    script_source = block(blocks, **{"data-embedded": "default-script"})
    readable = page.replace(script_source, "")
    for attrs, body in blocks:
        if "+" in attrs.get("data-encoding", "") or attrs.get("data-embedded") == "dataset":
            readable = readable.replace(body, "")
    urls = re.findall(r"(?:https?|wss?|ftp)://[^\s\"'<>)]+", readable)
    # XML namespace names (SVG, XLink, XHTML) look like URLs but are identifiers, never fetched.
    assert [u for u in urls if not u.startswith("http://www.w3.org/")] == []


def test_csp_forbids_the_network(page):
    head = page[: page.index("</head>")]
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
    assert meta, "the CSP meta tag is missing"
    assert head.index("Content-Security-Policy") < head.find("<script") if "<script" in head else True
    policy = dict(part.strip().split(" ", 1) for part in meta.group(1).split(";"))
    assert policy["default-src"] == "'none'"
    for directive in ("script-src", "connect-src", "worker-src", "img-src", "style-src"):
        sources = policy[directive].split()
        assert all(s in {"'unsafe-inline'", "blob:", "data:", "'wasm-unsafe-eval'"} for s in sources), directive
    assert meta.group(1) == csp.POLICY


class _ScriptTags(HTMLParser):
    """Counts <script> elements as a browser's parser sees them (content up to `</script`)."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        self.count += tag == "script"


def test_embedded_text_cannot_break_out_of_its_element(page, blocks):
    # A `</script` inside embedded text would end its element early and leave one more
    # `</script` in the file than there are elements. (`<script` inside JS text is harmless.)
    parser = _ScriptTags()
    parser.feed(page)
    assert page.lower().count("</script") == parser.count == len(blocks)
    for _, body in blocks:
        assert "<!--" not in body


# A script whose setup cannot run in the page's Python: the build says why and writes nothing.
BROKEN_SCRIPTS = {
    "tkinter": ("import random\nimport tkinter\nprint('never')\n", "ModuleNotFoundError", 2, "tkinter"),
    "raises": ("docs = ['ab']\nx = 1\nraise ValueError('no data for you')\n", "ValueError", 3, "no data for you"),
    "syntax": ("docs = ['ab']\ndef broken(:\n    pass\n", "SyntaxError", 2, "invalid syntax"),
}


@pytest.mark.parametrize("name", BROKEN_SCRIPTS)
def test_a_script_whose_setup_fails_in_the_page_python_is_refused(name, tmp_path):
    source, error_type, line, text = BROKEN_SCRIPTS[name]
    script = tmp_path / "mine.py"
    script.write_text(source, encoding="utf-8")
    out = tmp_path / "guide.html"
    with pytest.raises(ScriptSetupError) as refused:
        build(out, script, DEFAULT_DATASET)
    message = str(refused.value)
    assert "the page's Python could not run the setup of mine.py" in message
    assert f"{error_type} (line {line}): " in message and text in message
    assert not out.exists()


def test_the_refusal_explains_a_module_the_page_cannot_have(tmp_path):
    script = tmp_path / "mine.py"
    script.write_text(BROKEN_SCRIPTS["tkinter"][0], encoding="utf-8")
    with pytest.raises(ScriptSetupError) as refused:
        build(tmp_path / "guide.html", script, DEFAULT_DATASET)
    assert "'tkinter' is part of Python's standard library but cannot run in a browser page" in str(refused.value)


def test_the_build_command_stops_with_the_scripts_error(tmp_path):
    script = tmp_path / "mine.py"
    script.write_text(BROKEN_SCRIPTS["raises"][0], encoding="utf-8")
    out = tmp_path / "guide.html"
    proc = subprocess.run([sys.executable, "-m", "builder.build", "--script", str(script), "--out", str(out)],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(PY_DIR)}, capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith("build refused: the page's Python could not run the setup of mine.py")
    assert "ValueError (line 3): no data for you" in proc.stderr
    assert 'File "mine.py", line 3' in proc.stderr  # the script's traceback
    assert not out.exists()


def test_a_script_importing_a_module_of_the_lazy_zip_builds(tmp_path):
    """The build runs the setup with the page's own stdlib: a module outside the boot zip comes
    from the lazy one, there as in the page."""
    source = DEFAULT_SCRIPT.read_text(encoding="utf-8")
    source = source.replace("import random", "import random\nimport sqlite3, xml.dom.minidom", 1)
    script = tmp_path / "mine.py"
    script.write_text(source, encoding="utf-8")
    result = build(tmp_path / "guide.html", script, DEFAULT_DATASET)
    assert result["bytes"] > 0
