"""The build's recording of the chapters' first frame (py/builder/first_frame.py): it decodes,
it holds the load info and an answer for every call the chapters declare, and it is cached. That the answers
equal the live worker's, bit for bit, is tests/browser/test_first_frame.py's job."""

import base64
import gzip
import json
import shutil
import struct
import subprocess
import sys

import pytest
from builder import compress, first_frame, runtime
from builder.build import python_sources
from builder.paths import CACHE_DIR, DEFAULT_DATASET, DEFAULT_SCRIPT, PYODIDE_DIR

pytestmark = [
    pytest.mark.skipif(sys.platform == "emscripten", reason="the build runs on the host, not inside Pyodide"),
    pytest.mark.skipif(not PYODIDE_DIR.exists() or shutil.which("node") is None,
                       reason="node_modules/pyodide or node is missing (run `npm ci`)"),
]


@pytest.fixture(scope="module")
def block():
    script = DEFAULT_SCRIPT.read_text(encoding="utf-8")
    dataset = DEFAULT_DATASET.read_bytes()
    dataset_block = compress.gzip_base64(dataset)
    text = first_frame.first_frame_block(script, DEFAULT_SCRIPT.name, dataset, dataset_block, python_sources(),
                                         runtime.stdlib_zips())
    assert text, "the recording could not be made"
    return json.loads(text), script, dataset_block


def unpack(data: str):
    packed = gzip.decompress(base64.b64decode(data))
    (length,) = struct.unpack("<I", packed[:4])
    return json.loads(packed[4:4 + length]), packed[4 + length:]


def declared_calls(skeleton, script):
    """The calls the chapters' declarations (js/**/*-first-calls.js) make for this recording's
    info and answers, each once, run by Node as the recorder runs them."""
    answers = {}
    for call in skeleton["calls"]:
        if call["ok"]:
            answers.setdefault(call["method"], call["result"])
    program = """
        import { pathToFileURL } from 'node:url';
        import { callKey } from 'CODEC';
        const { info, script, answers, modules } = JSON.parse(process.argv[1]);
        const context = { info, script, answer: (method) => answers[method] };
        const seen = new Set();
        const calls = [];
        for (const path of modules) {
          for (const { method, args = {} } of (await import(pathToFileURL(path).href)).firstCalls(context)) {
            if (!seen.has(callKey(method, args))) { seen.add(callKey(method, args)); calls.push({ method, args }); }
          }
        }
        console.log(JSON.stringify(calls));
    """.replace("CODEC", (first_frame.JS_DIR / "first-frame-codec.js").as_uri())
    context = {"info": skeleton["info"], "script": {"source": script, "filename": DEFAULT_SCRIPT.name},
               "answers": answers, "modules": [str(p) for p in first_frame.FIRST_CALLS]}
    out = subprocess.run(["node", "--input-type=module", "-e", program, json.dumps(context)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_recording_holds_info_and_every_declared_call(block):
    recorded, script, _ = block
    skeleton, tail = unpack(recorded["data"])
    assert skeleton["info"]["num_docs"] == 32033
    assert skeleton["info"]["params"]["count"] > 0
    assert [{"method": c["method"], "args": c["args"]} for c in skeleton["calls"]] == declared_calls(skeleton, script)
    assert {c["method"] for c in skeleton["calls"]} >= {"constants", "vocab", "tokenize", "autograd", "outline",
                                                         "params", "trace", "attention", "schedule", "sample"}
    assert all(c["ok"] for c in skeleton["calls"]), [c.get("error") for c in skeleton["calls"] if not c["ok"]]
    # The $refs were resolved from the script's own answers.
    trace = next(c for c in skeleton["calls"] if c["method"] == "trace")
    assert trace["args"]["name"] == skeleton["info"]["docs_head"][0]
    # Typed arrays travel as bytes: params' data is float64, one per parameter.
    params = next(c for c in skeleton["calls"] if c["method"] == "params")["result"]["data"]
    assert params["$typed"] == "Float64Array" and params["bytes"] == 8 * skeleton["info"]["params"]["count"]
    assert len(tail) >= params["at"] + params["bytes"]


def test_recording_is_small(block):
    recorded, _, _ = block
    assert len(recorded["data"]) < 100_000, f"the recording is {len(recorded['data'])} characters"


def test_fingerprint_covers_script_and_dataset(block):
    recorded, script, dataset_block = block
    assert recorded["fingerprint"] == first_frame.fingerprint(script, DEFAULT_SCRIPT.name, dataset_block)
    assert first_frame.fingerprint(script + "\n", DEFAULT_SCRIPT.name, dataset_block) != recorded["fingerprint"]
    assert first_frame.fingerprint(script, DEFAULT_SCRIPT.name, dataset_block[:-4]) != recorded["fingerprint"]
    assert len(recorded["fingerprint"]) == 16


def test_recording_is_cached():
    assert list(CACHE_DIR.glob("first-frame-*.b64"))
