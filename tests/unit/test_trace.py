"""Forward trace: the model's own statements, one by one, as the training loop calls it."""

import ast
import math
import sys

import pytest
from _bridgecore import CAPITALS, SCRIPT, Driver, floats, line_of, plain_run, variant
from bridge import observe, scriptast


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """microgpt.py loaded once, for the tests that change nothing."""
    driver = Driver(tmp_path_factory.mktemp("trace"))
    driver.load()
    return driver


def gpt_line(text, source=SCRIPT):
    return line_of(source, text, line_of(source, "def gpt("))


def tokens_of(ns, word):
    return [ns["BOS"]] + [ns["uchars"].index(c) for c in word] + [ns["BOS"]]


def lines_of(out):
    return [e["line"] for e in out["events"] if e["event"] == "line"]


def test_lines_are_the_models_statements_in_order(shared):
    ns = shared.ns
    out = shared.call("trace", name="emma", pos=3)
    first, last = shared.call("info")["phases"]["model"]
    lines = lines_of(out)
    assert all(first < line <= last for line in lines)
    assert {e["func"] for e in out["events"]} == {"gpt"}  # its helpers call nothing of the script's
    # Every head of every layer passes the softmax statement once.
    assert lines.count(gpt_line("attn_weights = softmax(")) == ns["n_layer"] * ns["n_head"]
    assert lines[:4] == [gpt_line("tok_emb = "), gpt_line("pos_emb = "), gpt_line("x = [t + p"),
                         gpt_line("x = rmsnorm(x)")]
    assert out["events"][0]["event"] == "call" and out["events"][-1]["event"] == "return"
    assert set(out["events"][0]["changed"]) == {"token_id", "pos_id", "keys", "values"}
    assert out["events"][0]["changed"]["pos_id"] == 3


def test_values_equal_a_plain_call(shared):
    ns, pos = shared.ns, 3
    tokens = tokens_of(ns, "emma")
    out = shared.call("trace", name="emma", pos=pos)
    logits, keys, _ = plain_run(ns, "emma", pos)
    assert out["tokens"] == tokens and out["token_id"] == tokens[pos]
    assert out["labels"] == ["BOS", "e", "m", "m", "a", "BOS"] and out["positions"] == 5
    assert out["logits"] == floats(logits)
    probs = ns["softmax"](logits)
    assert out["probs"] == floats(probs)
    assert (out["probs_var"], out["probs_line"]) == ("probs", line_of(SCRIPT, "probs = softmax(logits)"))
    assert out["target_id"] == tokens[pos + 1] == ns["uchars"].index("a")
    assert out["target_prob"] == probs[tokens[pos + 1]].data
    assert out["loss"] == -probs[tokens[pos + 1]].log().data == pytest.approx(-math.log(out["target_prob"]))
    assert (out["loss_var"], out["loss_line"]) == ("loss_t", line_of(SCRIPT, "loss_t = -probs[target_id]"))
    # The cache as recorded after `keys[li].append(k)` is the cache of the plain run.
    appended = [e for e in out["events"] if e["event"] == "line" and "keys" in e["changed"]]
    assert appended[-1]["changed"]["keys"] == floats(keys)
    # The first embedding sum is token row + position row, as floats.
    sd = ns["state_dict"]
    x0 = next(e["changed"]["x"] for e in out["events"] if "x" in e.get("changed", {}))
    emb = zip(sd["wte"][tokens[pos]], sd["wpe"][pos], strict=True)
    assert x0 == [t.data + p.data for t, p in emb]
    assert out["events"][-1]["value"] == out["logits"]


def test_only_changed_locals_are_reported(shared):
    ns = shared.ns
    out = shared.call("trace", name="emma", pos=2)
    weights, q_h = gpt_line("attn_weights = softmax("), gpt_line("q_h = q[")
    for e in out["events"]:
        if e["event"] == "line" and e["line"] == weights:
            assert set(e["changed"]) == {"attn_weights"}
        if e["event"] == "line" and e["line"] == q_h:
            assert set(e["changed"]) == {"q_h"}
    head_lines = [e for e in out["events"] if "h" in e.get("changed", {})]
    assert [e["changed"]["h"] for e in head_lines] == list(range(ns["n_head"]))
    anchors = [e for e in out["events"] if e["event"] == "line" and e["line"] == weights]
    assert [(e["layer"], e["head"], e["flow"]) for e in anchors] == [(0, h, "attn") for h in range(ns["n_head"])]
    assert anchors[0]["facts"] == {"op": "mul", "size": 3, "weights": "attn_weights"}


def test_leaf_calls_say_which_matrix_they_were_given(shared):
    ns = shared.ns
    out = shared.call("trace", name="ava", pos=1)
    calls = [c["func"] for e in out["events"] for c in e.get("calls", [])]
    n_layer, n_head = ns["n_layer"], ns["n_head"]
    assert calls.count("linear") == 6 * n_layer + 1
    assert calls.count("rmsnorm") == 1 + 2 * n_layer
    assert calls.count("softmax") == n_layer * n_head
    q = next(e for e in out["events"] if e["event"] == "line" and e["line"] == gpt_line("q = linear("))
    assert q["calls"] == [{"func": "linear", "matrix": "layer0.attn_wq", "n_in": 16, "n_out": 16}]
    head = next(e for e in out["events"] if e["event"] == "line" and e["line"] == gpt_line("logits = linear("))
    assert head["calls"] == [{"func": "linear", "matrix": "lm_head", "n_in": 16, "n_out": 27}]
    assert head["flow"] == "out"


def test_every_position_matches_plain_gpt(shared):
    ns, word = shared.ns, "sophia"
    for pos in (4, 1, 5, 0, 2):  # out of order: each from the one traced run of the word
        out = shared.call("trace", name=word, pos=pos)
        assert out["pos"] == pos and out["logits"] == floats(plain_run(ns, word, pos)[0])


def test_cache_follows_parameter_changes(loaded):
    before = loaded.call("trace", name="ava", pos=2)["logits"]
    loaded.call("eval", code="state_dict['wpe'][0][0].data += 0.5")  # as a training step would
    after = loaded.call("trace", name="ava", pos=2)["logits"]
    assert before != after
    assert after == floats(plain_run(loaded.ns, "ava", 2)[0])
    loaded.call("step")
    stepped = loaded.call("trace", name="ava", pos=2)["logits"]
    assert stepped != after and stepped == floats(plain_run(loaded.ns, "ava", 2)[0])


def test_cache_follows_rebound_globals(loaded):
    before = loaded.call("trace", name="ava", pos=2)["logits"]
    loaded.call("eval", code="_linear = linear\ndef linear(x, w):\n    return [2 * y for y in _linear(x, w)]")
    after = loaded.call("trace", name="ava", pos=2)["logits"]
    assert after != before
    assert after == floats(plain_run(loaded.ns, "ava", 2)[0])
    loaded.call("eval", code="linear = _linear")
    assert loaded.call("trace", name="ava", pos=2)["logits"] == before


def test_unknown_character_and_bad_position(shared):
    err = shared.error("trace", name="emmA", pos=0)
    # The script's own tokenizing line raises, and the error points at it.
    assert err["type"] == "ValueError" and err["line"] == line_of(SCRIPT, "tokens = [BOS] + [uchars.index(")
    err = shared.error("trace", name="emma", pos=5)
    assert "pos must be between 0 and 4" in err["message"]


def test_bigger_model(driver):
    source = variant(n_layer=2, n_embd=32, n_head=8)
    driver.load(source=source)
    ns = driver.ns
    out = driver.call("trace", name="liam", pos=2)
    assert lines_of(out).count(gpt_line("attn_weights = softmax(", source)) == 2 * 8
    assert out["logits"] == floats(plain_run(ns, "liam", 2)[0])
    assert out["layers"] == {"count": 2, "heads": 8}
    appended = [e for e in out["events"] if e["event"] == "line" and "keys" in e["changed"]]
    assert [len(layer) for layer in appended[-1]["changed"]["keys"]] == [3, 3]


def test_other_data_set_with_accents(driver):
    driver.load(dataset=CAPITALS)
    ns = driver.ns
    word = "bogotá"
    out = driver.call("trace", name=word, pos=6)
    assert out["labels"][6] == "á" and out["target_id"] == ns["BOS"] == driver.call("info")["vocab"]["bos"]
    assert out["logits"] == floats(plain_run(ns, word, 6)[0])
    err = driver.error("trace", name="zürich", pos=0)
    assert err["type"] == "ValueError"


def test_settrace_path_gives_the_same_events(shared, monkeypatch):
    def without_frames(events):  # frame ids are the addresses of this run's frames
        return [{k: v for k, v in e.items() if k not in ("frame", "parent")} for e in events]

    native = shared.call("trace", name="mia", pos=2)
    hook = sys.gettrace()
    monkeypatch.setattr(observe, "FORCE_BACKEND", "settrace")
    shared.call("eval", code="_fresh = 1")  # a changed global: the trace runs again
    forced = shared.call("trace", name="mia", pos=2)
    assert forced["backend"] == "settrace"
    assert without_frames(forced["events"]) == without_frames(native["events"])
    assert forced["logits"] == native["logits"]
    assert sys.gettrace() is hook  # whatever hook was there before is back


def test_statement_map_and_watch_on_a_small_function():
    src = (
        "def f(n):\n"
        "    total = 0\n"
        "    for i in range(n):\n"
        "        total = (total +\n"
        "                 i)\n"
        "    squares = [j * j for j in range(n)]\n"
        "    return total\n"
    )
    tree = ast.parse(src)
    node = tree.body[0]
    smap = scriptast.statement_map(node)
    assert smap == {2: 2, 3: 3, 4: 4, 5: 4, 6: 6, 7: 7}
    ns = {}
    exec(compile(src, "<small>", "exec"), ns)
    seen = []

    def done(frame, code, line):
        seen.append((line, dict(observe.get_locals(frame)).get("total")))

    with observe.Watch({ns["f"].__code__: smap}, done):
        assert ns["f"](3) == 3
    assert seen == [(2, 0), (3, 0), (4, 0), (3, 0), (4, 1), (3, 1), (4, 3), (3, 3), (6, 3),
                    (7, 3)]
