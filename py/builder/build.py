"""Build dist/microgpt-guide.html: one file that holds the page, its scripts and styles, the
Python sources, the data set and the Pyodide runtime.

    PYTHONPATH=py python -m builder.build [--out FILE] [--script FILE] [--dataset FILE]

The build runs the script's setup in the page's own Python (Pyodide under Node, to record the
first frame: builder/first_frame.py) and refuses a script whose setup fails there, with the
script's error, rather than write a page that would never start.
"""

import argparse
import hashlib
import time
from pathlib import Path

from builder import chapters, charset, checkpoints, compress, csp, first_frame, runtime
from builder.bundle import bundle
from builder.embed import check_embeddable, json_for_html, script_block
from builder.first_frame import ScriptSetupError
from builder.paths import DEFAULT_DATASET, DEFAULT_SCRIPT, DIST, PY_DIR, TEMPLATE, stylesheets
from builder.stdlib import StdlibZips

# The bridge package, as files the worker writes into Pyodide's file system.
BRIDGE_PACKAGE = "bridge"


def python_sources() -> dict[str, str]:
    files = sorted((PY_DIR / BRIDGE_PACKAGE).glob("*.py"))
    return {f"{BRIDGE_PACKAGE}/{f.name}": f.read_text(encoding="utf-8") for f in files}


def stylesheet() -> str:
    # styles/ first (its tokens name every colour), then each chapter's own, in page order.
    css = "\n".join(path.read_text(encoding="utf-8") for path in stylesheets() + chapters.stylesheets())
    return f"<style>\n{check_embeddable('styles', css)}\n</style>"


def embedded_block(name: str, text: str, type_: str) -> str:
    """A named block the page reads with `script[data-embedded="name"]`."""
    return script_block(None, text, type_=type_, attrs={"data-embedded": name})


def runs_block() -> str:
    """Empty as built: "Download guide" writes the runs a learner chose to share into it, and a
    file that carries some opens on one of them (js/runs-file.js). Before the page's script, which
    reads it ahead of the worker's boot message."""
    return script_block(None, "", type_="application/octet-stream",
                        attrs={"data-embedded": "runs", "data-encoding": "gzip+text8"})


def first_frame_block(script_text: str, filename: str, dataset_bytes: bytes, dataset_block: str,
                      stdlib: StdlibZips) -> str:
    """The chapters' first frame recorded at build time (builder/first_frame.py); "" if none.
    Raises ScriptSetupError when the script's setup cannot run in the page's Python."""
    text = first_frame.first_frame_block(script_text, filename, dataset_bytes, dataset_block, python_sources(),
                                         stdlib)
    return embedded_block("first-frame", text, "application/json") if text else ""


def python_sources_block() -> str:
    """The bridge's sources (~0.27 MB of Python), gzip+text8 (~0.07 MB): only the worker reads
    them (js/worker/session.js), and the room pays for the snapshot's frames (builder/snapshot.py)."""
    packed = compress.encode_asset("gzip+text8", json_for_html(python_sources()).encode())
    return script_block(None, packed, type_="application/octet-stream",
                        attrs={"data-embedded": "python-sources", "data-encoding": "gzip+text8"})


def editor_block(minify: bool) -> str:
    """The CodeMirror editor (and the runs chapter's script diff, js/code-module.js) as its own module,
    compressed: the page imports it on first use (js/editor/load-code-editor.js), so it is neither in
    the page's bundle nor evaluated at boot."""
    source = bundle("code-module.js", minify=minify)
    return script_block(None, compress.encode_asset("gzip+text8", source.encode()), type_="application/octet-stream",
                        attrs={"data-embedded": "editor-module", "data-encoding": "gzip+text8"})


# Starts the worker from its source, the element just before (js/embedded.js: spawnWorker). The
# same URL as spawnWorker's: a module worker from a data: URL is the only kind that starts from
# file:// in every engine we test. A browser that cannot start it just leaves it to the page.
WORKER_STARTER = ("try{window.__pythonWorker=new Worker('data:text/javascript;charset=utf-8,'+"
                  "encodeURIComponent(document.currentScript.previousElementSibling.textContent),"
                  "{type:'module',name:'python'})}catch{}")


# Large assets are split over several elements so that the HTML parser, which tokenizes one
# text node in one go, can yield to painting between them (no main-thread task of 50+ ms).
CHUNK_CHARS = 256 * 1024


def asset_blocks(assets: list[runtime.Asset]) -> str:
    blocks = []
    for a in assets:
        for start in range(0, len(a.text), CHUNK_CHARS):
            blocks.append(script_block(None, a.text[start:start + CHUNK_CHARS], type_="application/octet-stream",
                                       attrs={"data-asset": a.name, "data-encoding": a.encoding}))
    return "\n".join(blocks)


# The hero's boot stages say what the worker does: with a snapshot, Python is restored as the build
# started it, with the bridge imported (builder/snapshot.py), and only the script's setup runs.
RESTORED_STAGES = {
    "Start the Python interpreter": "Restore Python (started when this page was built, a snapshot)",
    "Load the bridge, run the script's setup": "Run the script's setup",
}


def say_python_is_restored(html: str) -> str:
    for cold, restored in RESTORED_STAGES.items():
        if html.count(cold) != 1:
            raise SystemExit(f"index.html's boot stages must say {cold!r} exactly once")
        html = html.replace(cold, restored)
    return html


def build(out: Path, script: Path, dataset: Path, minify: bool = True, snapshot: bool = True) -> dict:
    started = time.perf_counter()
    script_text = script.read_text(encoding="utf-8")
    dataset_bytes = dataset.read_bytes()
    dataset_block = compress.gzip_base64(dataset_bytes)
    stdlib = runtime.stdlib_zips()
    # The worker decodes the data set as TextDecoder does (a BOM dropped): the same text here.
    default = {"filename": script.name, "source": script_text}
    assets = runtime.runtime_assets(stdlib, python_sources() if snapshot else None, default,
                                    dataset_bytes.decode("utf-8-sig", errors="replace"))
    info = {
        "pyodideVersion": runtime.pyodide_version(),
        "script": {"filename": script.name, "sha256": hashlib.sha256(script_text.encode()).hexdigest()},
        "dataset": {"filename": dataset.name, "sha256": hashlib.sha256(dataset_bytes).hexdigest()},
    }
    # What the first frame needs comes before the page's script, which is an async module: it
    # runs as soon as the parser has reached it, and draws while the parser is still reading the
    # runtime below (~5 MB of text that takes the parser ~0.4 s).
    early_blocks = "\n".join([
        embedded_block("build-info", json_for_html(info), "application/json"),
        embedded_block("default-script", json_for_html({"filename": script.name, "source": script_text}),
                       "application/json"),
        embedded_block("dataset", dataset_block, "application/octet-stream"),
        runs_block(),
        first_frame_block(script_text, script.name, dataset_bytes, dataset_block, stdlib),
        python_sources_block(),
    ])
    # The worker's code and the one line that starts it go in the head: the worker then loads
    # while the parser reads the prose (~0.2-0.4 s on the machines we measure), and
    # js/embedded.js's spawnWorker() hands it to the page's script, which sends it its boot message.
    worker_blocks = "\n".join([
        embedded_block("worker-source", bundle("worker/worker.js", minify=minify), "text/plain"),
        f'<script type="text/javascript" data-start="worker">{WORKER_STARTER}</script>',
    ])
    # The page hands each runtime file to the worker as soon as the parser has read it
    # (js/embedded.js), in the order the worker starts on them (builder/runtime.py).
    # The checkpoints and the editor are read once the page is parsed (js/sections/training/jump.js).
    late_blocks = "\n".join([
        asset_blocks(assets),
        checkpoints.html_block(script_text, dataset_bytes),  # "" unless they are this script's
        editor_block(minify),
    ])
    page_js = script_block(None, bundle("main.js", minify=minify), type_="module", attrs={"async": "", "data-page": ""})

    html = charset.declare(chapters.compose(TEMPLATE.read_text(encoding="utf-8")))
    if any(a.name == runtime.SNAPSHOT for a in assets):
        html = say_python_is_restored(html)
    for marker, content in {
        "<!--build:csp-->": csp.meta_tag(),
        "<!--build:css-->": stylesheet(),
        "<!--build:worker-->": worker_blocks,
        "<!--build:data-->": early_blocks,
        "<!--build:js-->": page_js,
        "<!--build:assets-->": late_blocks,
    }.items():
        if html.count(marker) != 1:
            raise SystemExit(f"index.html must contain {marker} exactly once")
        html = html.replace(marker, content)

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(charset.encode_page(html))
    return {"out": str(out), "bytes": out.stat().st_size, "seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DIST)
    parser.add_argument("--script", type=Path, default=DEFAULT_SCRIPT, help="the Python script to embed")
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET, help="one document per line")
    parser.add_argument("--no-minify", action="store_true", help="readable JavaScript, for debugging")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="a page that starts Python itself instead of restoring the build's memory snapshot")
    args = parser.parse_args()
    try:
        result = build(args.out, args.script, args.dataset, minify=not args.no_minify, snapshot=not args.no_snapshot)
    except ScriptSetupError as exc:  # nothing is written: the page would never start
        raise SystemExit(f"build refused: {exc}") from None
    print(f"wrote {result['out']} ({result['bytes'] / 1e6:.2f} MB) in {result['seconds']:.1f} s")


if __name__ == "__main__":
    main()
