"""The check figures: the bridge must print and compute exactly what `python microgpt.py` does."""

import os
import re
import shutil
import subprocess
import sys

import pytest
from _bridgecore import (
    CHECK_DOCS,
    CHECK_LOSSES,
    CHECK_PARAMS,
    CHECK_SAMPLES,
    CHECK_VOCAB,
    NAMES_PATH,
    SCRIPT_PATH,
    Driver,
    loss_text,
    needs_process,
)

STEP_LINE = re.compile(r"step +(\d+) / +\d+ \| loss (\d+\.\d{4})")


@pytest.fixture(scope="module")
def twenty(tmp_path_factory):
    """The real script through the bridge: loaded, then 20 steps, one call per step."""
    d = Driver(tmp_path_factory.mktemp("twenty"))
    info = d.load()
    records = [d.call("step")[0] for _ in range(20)]
    return d, info, records


def start_plain(workdir):
    """`python microgpt.py` in workdir with the names list as input.txt, stdout unbuffered."""
    shutil.copy(NAMES_PATH, workdir / "input.txt")
    shutil.copy(SCRIPT_PATH, workdir / "microgpt.py")
    return subprocess.Popen(
        [sys.executable, "-u", "microgpt.py"], cwd=workdir, stdout=subprocess.PIPE
    )


def read_plain(proc, until_step=None):
    """The process's output, read as it streams; killed once `until_step` has printed."""
    buf = b""
    done = re.compile(rb"step +%d / +\d+ \| loss \d+\.\d{4}\r" % until_step) if until_step else None
    while True:
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        buf += chunk
        if done and done.search(buf):
            proc.kill()
            break
    proc.wait()
    proc.stdout.close()
    return buf.decode()


def plain_losses(text):
    return {int(s): v for s, v in STEP_LINE.findall(text)}


def test_setup_figures_through_bridge(twenty):
    d, info, _ = twenty
    assert info["num_docs"] == CHECK_DOCS
    assert info["vocab"]["size"] == CHECK_VOCAB
    assert info["params"]["count"] == CHECK_PARAMS
    setup_text = d.printed("setup")
    assert f"num docs: {CHECK_DOCS}\n" in setup_text
    assert f"vocab size: {CHECK_VOCAB}\n" in setup_text
    assert f"num params: {CHECK_PARAMS}\n" in setup_text


def test_losses_through_bridge(twenty):
    _, _, records = twenty
    got = {r["step"]: loss_text(r["loss"]) for r in records}
    assert {s: got[s] for s in CHECK_LOSSES} == {s: loss_text(v) for s, v in CHECK_LOSSES.items()}


def test_script_prints_its_own_step_lines(twenty):
    d, _, _ = twenty
    printed = plain_losses(d.printed("train"))
    assert printed[1] == "3.3660" and printed[20] == "2.7453"
    assert "\r" in d.printed("train")  # the console rewrites the line, as in a terminal


@needs_process
def test_bridge_matches_plain_process(tmp_path, twenty):
    d, _, records = twenty
    text = read_plain(start_plain(tmp_path), until_step=20)
    assert d.printed("setup") == text[: len(d.printed("setup"))]
    plain = plain_losses(text)
    assert {r["step"]: loss_text(r["loss"]) for r in records} == {s: plain[s] for s in range(1, 21)}


@pytest.mark.slow
@needs_process
def test_full_run_and_samples_match_plain_process(tmp_path):
    proc = start_plain(tmp_path)  # runs alongside the bridge; read once the bridge is done
    d = Driver(tmp_path / "bridge")
    d.load()
    records = d.call("step", count=1000)
    assert len(records) == 1000
    assert d.call("step") == []  # the loop's own range is used up
    samples = [d.call("sample")["text"] for _ in range(20)]
    text = read_plain(proc)
    plain = plain_losses(text)
    assert {r["step"]: loss_text(r["loss"]) for r in records} == plain
    assert samples[:5] == CHECK_SAMPLES
    assert samples == re.findall(r"sample +\d+: (.*)\n", text)
    # Each sample runs the sampling loop's body once: its prints, not the header before the loop.
    assert d.printed("sample") == text[text.index("sample  1:") :]
