"""The Session methods the worker calls, and the shape of what they return."""

import base64
import itertools
import json
import random
import statistics
from array import array

import pytest
from _bridgecore import CHECK_LOSSES, CHECK_PARAMS, SCRIPT, VARIANTS_DIR, loss_text, variant


def test_info(loaded):
    info = loaded.call("info")
    assert info["vocab"] == {"size": 27, "bos": 26, "eos": None,
                             "labels": list("abcdefghijklmnopqrstuvwxyz") + ["BOS"], "decoder": "uchars"}
    assert info["step"] == 0 and info["missing"] == [] and info["data_file"] == "input.txt"
    assert info["num_docs"] == 32033 and len(info["docs_head"]) == 20
    assert info["longest_doc"] == 15
    # Read from what the script does: the loop's length, the sampling divisor, the output
    # matrix's width, the positions the loop visits for a long document (block_size).
    assert info["hyper"] == {"num_steps": 1000, "temperature": 0.5, "n_embd": 16, "max_positions": 16}
    assert info["params"]["names"][:3] == ["wte", "wpe", "lm_head"]
    assert info["params"]["shapes"][0] == [27, 16]
    assert info["params"]["count"] == CHECK_PARAMS
    layout = info["params"]["layout"]
    assert [m["offset"] for m in layout] == [0, *itertools.accumulate(m["rows"] * m["cols"] for m in layout[:-1])]
    roles = info["roles"]
    assert roles["autograd"] == {"class": "Value", "data": "data", "grad": "grad", "children": "_children",
                                 "local_grads": "_local_grads", "closure": None, "op": None,
                                 "backward": "backward"}
    assert {k: roles[k] for k in ("documents", "doc_var", "model", "tokens_var", "output", "losses",
                                  "per_position_backward", "moments", "schedule", "sampling", "missing")} == {
        "documents": "docs", "doc_var": "doc", "model": {"name": "gpt", "callee": "gpt"},
        "tokens_var": "tokens", "output": "lm_head", "losses": "losses", "per_position_backward": False,
        "moments": ["m", "v"], "schedule": "lr_t",
        "sampling": {"token_var": "token_id", "temperature": "temperature"}, "missing": {}}
    assert {"setup", "train", "train.forward", "gpt", "model", "sample"} <= set(info["phases"])
    # What the page names when the loop is over: the loop and the constant that sets its length.
    assert info["facts"]["train_loop"] == "for step in range(num_steps)"
    assert info["facts"]["train_length"] == ["num_steps"]
    json.dumps(info)  # plain data only


def test_train_length_of_argparse_script(driver):
    driver.load(source=(VARIANTS_DIR / "argparse_hyperparams.py").read_text())
    facts = driver.call("info")["facts"]
    assert facts["train_loop"] == "for step in range(args.num_steps)"
    assert facts["train_length"] == ["args.num_steps"]


def test_docs_and_eval(loaded):
    head = loaded.call("info")["docs_head"]
    assert loaded.call("docs", start=0, count=3) == head[:3]
    assert loaded.call("docs", start=5, count=2) == head[5:7]
    assert loaded.call("eval", code="x = 6\nx * 7") == {"repr": "42"}
    assert loaded.call("eval", code="y = 1") == {"repr": None}
    assert loaded.call("eval", code="print('hi')\nlen(docs)") == {"repr": "32033"}
    assert loaded.printed("run") == "hi\n"


def test_step_record_shape(loaded):
    before = loaded.call("params")
    (rec,) = loaded.call("step", with_params=True)
    n = rec["n"]
    assert rec["step"] == 1
    assert rec["tokens"][0] == 26 and rec["tokens"][-1] == 26 and len(rec["tokens"]) == n + 1
    assert rec["doc"] == loaded.call("info")["docs_head"][0]
    assert len(rec["losses"]) == n
    assert abs(sum(rec["losses"]) / n - rec["loss"]) < 1e-12
    assert rec["lr_t"] == 0.01
    assert all(rec[k] > 0 for k in ("t_forward", "t_backward", "t_update"))
    for key in ("data", "grad", "m", "v"):
        assert isinstance(rec[key], array) and rec[key].typecode == "d"
        assert len(rec[key]) == CHECK_PARAMS
    assert any(g != 0 for g in rec["grad"])  # taken before the update zeroed them
    after = loaded.call("params")
    assert after["data"] == rec["data"] != before["data"]
    assert all(g == 0 for g in after["grad"])
    assert after["m"] == rec["m"] and after["v"] == rec["v"]
    # Adam's first step: m = (1 - beta1) * grad.
    assert all(abs(m - 0.15 * g) < 1e-15 for m, g in zip(rec["m"], rec["grad"], strict=True))
    (plain,) = loaded.call("step")
    assert "data" not in plain and plain["step"] == 2


def test_observation_overhead_is_small(loaded):
    records = loaded.call("step", count=6, with_params=True)[1:]  # the first warms caches
    step_time = statistics.median(r["t_forward"] + r["t_backward"] + r["t_update"] for r in records)
    observe_time = statistics.median(r["t_observe"] for r in records)
    assert observe_time <= 0.10 * step_time


def test_stdout_is_forwarded_with_phases(loaded):
    loaded.call("step", count=2)
    train = [p["text"] for k, p in loaded.out if k == "stdout" and p["phase"] == "train"]
    assert train == [
        f"step    1 / 1000 | loss {loss_text(CHECK_LOSSES[1])}\r",
        f"step    2 / 1000 | loss {loss_text(CHECK_LOSSES[2])}\r",
    ]
    loaded.call("sample", seed=0)
    # One sample runs the sampling loop's body once: its own print, not the header before it.
    sample = loaded.printed("sample")
    assert sample.startswith("sample  1: ") and sample.endswith("\n") and sample.count("\n") == 1
    loaded.call("sample", seed=0)
    assert loaded.printed("sample").splitlines()[1].startswith("sample  2: ")


def test_sample_shape_and_seed(loaded):
    state = random.getstate()
    a = loaded.call("sample", seed=7)
    assert random.getstate() == state  # a seeded sample leaves the script's stream alone
    b = loaded.call("sample", seed=7)
    assert a["text"] == b["text"]
    assert len(a["steps"]) in (len(a["text"]), len(a["text"]) + 1)  # +1: the closing BOS
    for i, st in enumerate(a["steps"]):
        assert len(st["probs"]) == 27 and abs(sum(st["probs"]) - 1) < 1e-9
        assert st["argmax"] == max(range(27), key=st["probs"].__getitem__)
        if i < len(a["text"]):
            assert "abcdefghijklmnopqrstuvwxyz"[st["token"]] == a["text"][i]
    loaded.call("sample")
    assert random.getstate() != state  # unseeded: drawn from the script's own stream


def test_step_watch_replays_the_update(loaded):
    before = loaded.call("params")
    (rec,) = loaded.call("step", with_params=True, watch=[700, 4000, 99999])  # lm_head, mlp_fc2
    update = rec["update"]
    assert update["moments"] == ["m", "v"]
    first, last = update["lines"]
    assert SCRIPT.splitlines()[first - 1].strip().startswith("m[i] = beta1 * m[i]")
    assert SCRIPT.splitlines()[last - 1].strip().startswith("p.grad = 0")
    assert [r["index"] for r in update["rows"]] == [700, 4000]  # an index out of range is left out
    for row in update["rows"]:
        i = row["index"]
        assert row["before"] == {"data": before["data"][i], "m": 0.0, "v": 0.0}
        assert row["grad"] == rec["grad"][i] != 0
        assert row["after"] == {"data": rec["data"][i], "m": rec["m"][i], "v": rec["v"][i]}
        # What the body bound, by its own lines: Adam's bias-corrected moments at step 1.
        assert row["locals"]["m_hat"] == pytest.approx(rec["m"][i] / (1 - 0.85))
        assert row["locals"]["v_hat"] == pytest.approx(rec["v"][i] / (1 - 0.99))
        assert set(row["locals"]) == {"m_hat", "v_hat"}  # not the loop's own variables, nor m, v


def test_schedule_is_the_scripts_own_statement(loaded):
    out = loaded.call("schedule")
    assert out["var"] == "lr_t"
    assert SCRIPT.splitlines()[out["lines"][0] - 1].strip().startswith("lr_t = learning_rate * (1 - step")
    assert out["lines"][0] == out["lines"][1]
    values = dict(out["values"])
    assert len(values) == 1000 and values[1] == 0.01
    assert all(values[k] == pytest.approx(0.01 * (1 - (k - 1) / 1000)) for k in values)
    assert [s for s, _ in loaded.call("schedule", every=250)["values"]] == [1, 251, 501, 751, 1000]
    records = loaded.call("step", count=2)
    assert [r["lr_t"] for r in records] == [values[1], values[2]]


def test_temperature_override(loaded):
    cold = loaded.call("sample", temperature=0.05, seed=1)["steps"][0]["probs"]
    warm = loaded.call("sample", temperature=2.0, seed=1)["steps"][0]["probs"]
    assert max(cold) > max(warm)
    assert loaded.call("eval", code="temperature") == {"repr": "0.5"}


def test_checkpoint_round_trip(loaded, tmp_path):
    from _bridgecore import Driver

    loaded.call("step", count=3)
    blob = loaded.call("checkpoint_export")["blob"]
    body = 20 + 3 * 8 * CHECK_PARAMS  # header + data, m, v
    bare = loaded.call("checkpoint_export", with_random=False)["blob"]
    assert isinstance(blob, bytes) and len(bare) == body
    assert blob[8:body] == bare[8:body] and len(blob) > body  # the same, and the random state
    expected = [r["loss"] for r in loaded.call("step", count=2)]

    other = Driver(tmp_path / "other")
    other.load()
    info = other.session.handle("checkpoint_import", {"blob": blob})["result"]
    assert info["step"] == 3
    assert [r["loss"] for r in other.call("step", count=2)] == expected
    # What Pyodide makes of the page's Uint8Array: a memoryview.
    info = other.call("checkpoint_import", blob=memoryview(blob))
    assert [r["step"] for r in other.call("step")] == [4]
    # Bytes are the one format: base64 text or a list of ints is refused, by name.
    for wrong in (base64.b64encode(blob).decode(), list(blob)):
        err = other.error("checkpoint_import", blob=wrong)
        assert err["phase"] == "bridge" and "takes the checkpoint as bytes" in err["message"]
    assert other.call("info")["step"] == 4  # and the model is left as it was


def test_checkpoint_refuses_another_shape(loaded, tmp_path):
    from _bridgecore import Driver

    blob = loaded.call("checkpoint_export")["blob"]
    bigger = Driver(tmp_path / "bigger")
    bigger.load(source=variant(n_embd=32))
    err = bigger.session.handle("checkpoint_import", {"blob": blob})["error"]
    assert "another shape" in err["message"]
    err = bigger.session.handle("checkpoint_import", {"blob": b"junk"})["error"]
    assert "too short" in err["message"]


def test_explorers_are_dispatched(loaded):
    # Their own tests cover what they return; here: they are reached with the script's namespace.
    assert loaded.call("trace", name="emma", pos=1)["events"]
    assert loaded.call("attention", word="emma")["n_head"] == 4
    assert loaded.call("autograd", expr="a*b + c", inputs={"a": 2, "b": -3, "c": 10})["nodes"]
    assert "run a training step first" in loaded.error("graph_summary")["message"]
    (rec,) = loaded.call("step")
    summary = loaded.call("graph_summary")
    root = loaded.call("graph_expand", node_id=summary["root_id"])
    assert root["data"] == rec["loss"] and root["n_children"] > 0


def test_load_without_dataset_uses_the_bundled_names(driver):
    info = driver.call("load", source=SCRIPT)
    assert info["num_docs"] == 32033
