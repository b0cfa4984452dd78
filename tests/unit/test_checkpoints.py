"""The committed checkpoints (py/checkpoints/, written by `make checkpoints`) are what the script
computes: the first of them are derived again here, through the same bridge calls, bit for bit.

The page offers "jump to step N (computed by this same script in CPython)"; these tests are what
makes that sentence true for the script and data set in the repository.
"""

import json
import sys

import pytest
from _bridgecore import NAMES, NAMES_PATH, SCRIPT
from builder import checkpoints
from builder.compress import decode_gzip_base64

DIRECTORY = checkpoints.CHECKPOINT_DIR
RERUN = "run `make checkpoints` (about 5 minutes) and commit py/checkpoints/"
# Only CPython made these numbers; Pyodide's math library need not round exp/log the same way.
cpython_only = pytest.mark.skipif(sys.platform == "emscripten", reason="the checkpoints are CPython's numbers")


@pytest.fixture(scope="module")
def manifest():
    found = checkpoints.read_manifest(DIRECTORY)
    assert found is not None, f"py/checkpoints/manifest.json is missing: {RERUN}"
    return found


@pytest.fixture(scope="module")
def recorded(manifest):
    return json.loads((DIRECTORY / manifest["steps_file"]).read_text(encoding="utf-8"))


def blob(manifest, step):
    return (DIRECTORY / manifest["files"][str(step)]).read_bytes()


def test_manifest_names_the_current_script_and_data_set(manifest):
    # The text's sha256, as the build and the page compute it.
    assert manifest["script"]["sha256"] == checkpoints.sha256_text(SCRIPT), (
        f"py/microgpt.py changed since its checkpoints were made: {RERUN}"
    )
    assert manifest["dataset"]["sha256"] == checkpoints.sha256_bytes(NAMES_PATH.read_bytes()), (
        f"py/data/names.txt changed since the checkpoints were made: {RERUN}"
    )


def test_manifest_lists_every_checkpoint_and_step(manifest, recorded):
    assert manifest["steps"] == list(checkpoints.CHECKPOINT_STEPS)
    assert sorted(map(int, manifest["files"])) == manifest["steps"]
    assert all((DIRECTORY / name).exists() for name in manifest["files"].values())
    last = max(manifest["steps"])
    assert [len(recorded[key]) for key in ("loss", "lr_t", "doc")] == [last, last, last]
    assert manifest["python"].startswith("CPython")


# The first steps again: enough to catch a checkpoint that no longer comes from this script,
# quick enough for every CI run (all 100 steps up to checkpoint 100: `-m slow`).
FIRST_STEPS = 12


@cpython_only
def test_first_steps_are_derived_again_bit_for_bit(manifest, recorded, tmp_path):
    """Checkpoint 0 is a fresh setup; the first steps from it give the recorded losses exactly."""
    session = checkpoints.new_session(SCRIPT, NAMES, str(tmp_path))
    assert checkpoints.export_blob(session) == blob(manifest, 0)
    records = checkpoints.step_records(session, FIRST_STEPS)
    assert [r["loss"] for r in records] == recorded["loss"][:FIRST_STEPS]
    assert [r["lr_t"] for r in records] == recorded["lr_t"][:FIRST_STEPS]
    assert [r["doc"] for r in records] == recorded["doc"][:FIRST_STEPS]


@cpython_only
@pytest.mark.slow
def test_checkpoint_100_is_derived_again_bit_for_bit(manifest, recorded, tmp_path):
    """100 steps from a fresh setup are checkpoint 100, bit for bit (~40 s)."""
    session = checkpoints.new_session(SCRIPT, NAMES, str(tmp_path))
    records = checkpoints.step_records(session, 100)
    assert [r["loss"] for r in records] == recorded["loss"][:100]
    assert checkpoints.export_blob(session) == blob(manifest, 100)


@cpython_only
def test_training_goes_on_from_an_imported_checkpoint(manifest, recorded, tmp_path):
    """After importing checkpoint 300 the next step is the script's step 301, same loss and lr."""
    session = checkpoints.new_session(SCRIPT, NAMES, str(tmp_path))
    reply = session.handle("checkpoint_import", {"blob": blob(manifest, 300)})
    assert reply["ok"], reply
    assert reply["result"]["step"] == 300
    (record,) = checkpoints.step_records(session, 1)
    assert record["step"] == 301
    assert (record["loss"], record["lr_t"], record["doc"]) == (
        recorded["loss"][300], recorded["lr_t"][300], recorded["doc"][300]
    )


def test_build_embeds_them_only_for_the_manifest_script_and_data_set(manifest, recorded):
    dataset = NAMES_PATH.read_bytes()
    embedded = checkpoints.embeddable(SCRIPT, dataset, DIRECTORY)
    assert embedded is not None
    for step, text in embedded["checkpoints"].items():
        assert decode_gzip_base64(text) == blob(manifest, step)
    assert json.loads(decode_gzip_base64(embedded["steps"])) == recorded
    assert checkpoints.embeddable(SCRIPT + "\n# edited\n", dataset, DIRECTORY) is None
    assert checkpoints.embeddable(SCRIPT, dataset + b"zed\n", DIRECTORY) is None
