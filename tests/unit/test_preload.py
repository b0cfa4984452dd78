"""The default script loaded ahead, in the page's memory snapshot (py/bridge/preload.py): adopted
only for the very same script and data set, and then indistinguishable from a cold load."""

import os
import shutil

import pytest
from _bridgecore import NAMES, SCRIPT, Driver
from bridge import preload


@pytest.fixture
def prepared(tmp_path):
    """preload.prepare as the build runs it, in its own working directory."""
    workdir = tmp_path / "snapshot"
    preload.prepare(SCRIPT, "microgpt.py", NAMES, str(workdir))
    yield workdir
    preload._prepared = None


def untimed(records):
    """Step records without their wall-clock timings (t_forward...): what was computed."""
    return [{k: v for k, v in r.items() if not k.startswith("t_")} for r in records]


def adopted_driver(tmp_path, *args):
    """A Driver whose session is the adopted one (its listener the driver's), or None."""
    driver = Driver(tmp_path / "unused")
    found = preload.adopt(*args, lambda kind, payload: driver.out.append((kind, payload)))
    if found is None:
        return None, None
    driver.session, info = found
    return driver, info


def test_the_adopted_session_answers_like_a_cold_load(prepared, tmp_path, loaded):
    # The snapshot holds memory, not files: its working directory is gone in the page.
    shutil.rmtree(prepared)
    driver, info = adopted_driver(tmp_path, SCRIPT, "microgpt.py", NAMES)
    cold = loaded.call("info")
    assert info == cold and driver.call("info") == cold
    # What the setup printed reaches the new listener, as a cold load's does.
    assert driver.printed("setup") == loaded.printed("setup") and "num docs: 32033" in driver.printed()
    # The data file is back where the script reads it, and the training goes on bit for bit
    # (parameters, the random stream of the document order).
    assert os.path.exists(os.path.join(driver.session.workdir, "input.txt"))
    assert untimed(driver.call("step", count=3)) == untimed(loaded.call("step", count=3))
    assert driver.call("params") == loaded.call("params")
    assert driver.call("sample", seed=7) == loaded.call("sample", seed=7)


@pytest.mark.parametrize("change", ["source", "filename", "dataset"])
def test_any_other_script_or_data_set_gets_nothing(prepared, tmp_path, change):
    script, filename, dataset = SCRIPT, "microgpt.py", NAMES
    if change == "source":
        script = SCRIPT.replace("n_embd = 16", "n_embd = 24", 1)
    elif change == "filename":
        filename = "mine.py"
    else:
        dataset = NAMES + "zoe\n"
    assert adopted_driver(tmp_path, script, filename, dataset) == (None, None)
    # Given up either way: the prepared session is never handed out later.
    assert adopted_driver(tmp_path, SCRIPT, "microgpt.py", NAMES) == (None, None)


def test_nothing_prepared_gives_nothing(tmp_path):
    assert adopted_driver(tmp_path, SCRIPT, "microgpt.py", NAMES) == (None, None)


def test_a_script_whose_setup_fails_prepares_nothing(tmp_path):
    broken = SCRIPT.replace("num_steps = ", "raise ValueError('no')\nnum_steps = ", 1)
    preload.prepare(broken, "microgpt.py", NAMES, str(tmp_path / "snapshot"))
    assert adopted_driver(tmp_path, broken, "microgpt.py", NAMES) == (None, None)


def test_the_probe_graph_is_let_go(loaded):
    """Discovery keeps no node of the probe's step: memory (and the snapshot) hold the script's state."""
    roles = loaded.roles
    assert roles.probe_names == {} and roles.output_node is None and roles.model.calls == []
