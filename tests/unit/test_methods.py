"""The bridge's one list of methods (bridge/methods.py): dispatch goes through it, CONTRACT.md's
table is written from it, and the worker's JavaScript agrees with it."""

import inspect
import re
from pathlib import Path

import pytest
from bridge import api, contract, methods
from bridge.methods import METHODS, PYTHON, WORKER

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL_JS = ROOT / "js" / "protocol.js"
WORKER_JS = ROOT / "js" / "worker" / "worker.js"


def test_contract_table_is_written_from_the_registry():
    text = contract.CONTRACT.read_text(encoding="utf-8")
    assert contract.written(text) == text, "run `PYTHONPATH=py python -m bridge.contract --write`"
    for name, entry in METHODS.items():
        assert f"| `{name}` | `{entry.args_text()}` |" in text


def test_a_stale_table_is_found():
    text = contract.CONTRACT.read_text(encoding="utf-8")
    stale = text.replace("| `info` |", "| `information` |")
    assert stale != text and contract.written(stale) == text
    with pytest.raises(ValueError, match="marker"):
        contract.written(text.replace(contract.END, ""))


def test_every_handler_is_registered_and_every_registered_method_has_a_handler():
    handlers = {name.removeprefix("do_") for name, _ in inspect.getmembers(api.Session)
                if name.startswith("do_")}
    python = {name for name, m in METHODS.items() if m.runs_in == PYTHON}
    assert handlers == python
    assert all(getattr(api.Session, "do_" + name) is METHODS[name].handler for name in python)
    assert all(m.returns and m.handler is None for m in METHODS.values() if m.runs_in == WORKER)


def test_the_worker_reads_what_it_needs_of_each_method():
    table = methods.table()
    assert set(table) == set(METHODS)
    assert {name for name, row in table.items() if row["changes_model"]} == {
        "load", "step", "checkpoint_import"}
    assert {name for name, row in table.items() if row["streams"]} == {"train"}
    assert {name for name, row in table.items() if row["by_worker"]} == {"train", "heap"}


def test_arguments_are_checked_by_name(driver):
    err = driver.error("docs", begin=3)
    assert err["phase"] == "bridge" and "no argument 'begin'" in err["message"]
    assert "start, count" in err["message"]
    err = driver.error("constants")
    assert err["phase"] == "bridge" and "needs the argument 'source'" in err["message"]
    assert driver.session.handle("info", ["not", "named"])["error"]["message"].startswith(
        "the arguments of `info` must be an object")
    # The worker's own methods are not Session's.
    assert driver.session.handle("train", {})["error"]["message"] == "unknown method 'train'"


def test_a_method_is_declared_once():
    with pytest.raises(ValueError, match="declared twice"):
        methods.worker_method("heap", (), "again")


@pytest.mark.skipif(not WORKER_JS.exists(), reason="the page's JavaScript is not here")
def test_the_worker_runs_the_methods_the_registry_gives_it():
    worker = WORKER_JS.read_text(encoding="utf-8")
    (listed,) = re.findall(r"const WORKER_METHODS = \{ ([\w, ]+) \};", worker)
    assert sorted(listed.split(", ")) == sorted(n for n, m in METHODS.items() if m.runs_in == WORKER)
    # Event names are spelled in js/protocol.js only.
    assert re.search(r"MSG\.EVENT, .*name: EVENT\.STEP", worker)
    assert not re.search(r"MSG\.EVENT, [^}]*name: '", worker)


@pytest.mark.skipif(not PROTOCOL_JS.exists(), reason="the page's JavaScript is not here")
def test_the_bridge_events_are_the_pages():
    protocol = PROTOCOL_JS.read_text(encoding="utf-8")
    body = protocol[protocol.index("export const EVENT"):]
    events = dict(re.findall(r"^\s+(\w+): '([\w-]+)',", body[: body.index("});")], re.M))
    assert events["STDOUT"] == methods.STDOUT
    # No list of methods there any more: the registry is the only one.
    assert "STREAMING_METHODS" not in protocol and "MODEL_CHANGING_METHODS" not in protocol
