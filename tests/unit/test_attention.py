"""Attention capture from the model's own frames, and interventions written into those frames."""

import math
import sys

import pytest
from _bridgecore import CAPITALS, SCRIPT, Driver, floats, line_of, plain_run, variant
from bridge import observe

WORD = "emma"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    driver = Driver(tmp_path_factory.mktemp("attention"))
    driver.load()
    return driver


@pytest.fixture(scope="module")
def base(shared):
    return shared.call("attention", word=WORD)


def test_names_and_lines_come_from_the_script(base):
    assert base["func"] == "gpt"
    assert base["names"] == {"weights": "attn_weights", "scores": "attn_logits", "query": "q_h", "keys": "k_h",
                             "values": "v_h", "out": "head_out"}
    gpt = line_of(SCRIPT, "def gpt(")
    for var, line in base["lines"].items():
        assert line == line_of(SCRIPT, f"{base['names'][var]} = ", gpt)


def test_capture_shapes_and_consistency(shared, base):
    ns = shared.ns
    n_pos = len(WORD) + 1
    assert base["positions"] == n_pos and base["labels"] == ["BOS", "e", "m", "m", "a", "BOS"]
    assert (base["n_layer"], base["n_head"], base["head_dim"]) == (ns["n_layer"], ns["n_head"], ns["head_dim"])
    heads = base["base"]["heads"]
    assert len(heads) == ns["n_layer"] and len(heads[0]) == ns["n_head"]
    hd = ns["head_dim"]
    for layer in heads:
        for head in layer:
            assert [q["pos"] for q in head] == list(range(n_pos))
            for q in head:
                t = q["pos"] + 1  # keys seen so far
                assert len(q["query"]) == hd and len(q["keys"]) == t and len(q["values"]) == t
                scores = [sum(a * b for a, b in zip(q["query"], k, strict=True)) / hd**0.5 for k in q["keys"]]
                assert q["scores"] == pytest.approx(scores, rel=1e-12)
                top = max(scores)
                exps = [math.exp(s - top) for s in scores]
                assert q["weights"] == pytest.approx([e / sum(exps) for e in exps])
                mix = [sum(w * v[j] for w, v in zip(q["weights"], q["values"], strict=True)) for j in range(hd)]
                assert q["out"] == pytest.approx(mix, rel=1e-12)


def test_probs_and_losses_equal_plain_gpt(shared, base):
    ns = shared.ns
    tokens = [ns["BOS"]] + [ns["uchars"].index(c) for c in WORD] + [ns["BOS"]]
    for pos, probs in enumerate(base["base"]["probs"]):
        logits, _, _ = plain_run(ns, WORD, pos)
        plain = ns["softmax"](logits)
        assert probs == floats(plain)
        assert base["base"]["losses"][pos] == -plain[tokens[pos + 1]].log().data
    losses = base["base"]["losses"]
    assert base["base"]["loss"] == pytest.approx(sum(losses) / len(losses))
    assert base["intervened"] is None and base["intervention"] is None


def test_uniform_changes_the_output(shared, base):
    iv = {"layer": 0, "head": 1, "kind": "uniform", "amount": 1.0}
    out = shared.call("attention", word=WORD, intervention=iv)
    assert out["base"] == base["base"]
    changed = out["intervened"]["heads"][0][1]
    for q in changed:
        assert q["weights"] == pytest.approx([1 / (q["pos"] + 1)] * (q["pos"] + 1))
        assert q["weights_original"] == base["base"]["heads"][0][1][q["pos"]]["weights"]
    # One key only at position 0: uniform is what softmax gave already.
    assert out["intervened"]["probs"][0] == pytest.approx(base["base"]["probs"][0])
    assert out["intervened"]["probs"][2] != base["base"]["probs"][2]
    assert out["intervention"]["how"] in ("f_locals", "LocalsToFast", "settrace")


def test_zero_head_gives_zero_output_and_leaves_other_heads(shared, base):
    hd = base["head_dim"]
    out = shared.call("attention", word=WORD, intervention={"layer": 0, "head": 2, "kind": "zero"})["intervened"]
    for q in out["heads"][0][2]:
        assert q["out"] == [0.0] * hd
    # In layer 0 the other heads read keys/values made before attention: untouched.
    for h in (0, 1, 3):
        assert out["heads"][0][h] == base["base"]["heads"][0][h]
    assert out["probs"][1] != base["base"]["probs"][1]


def test_every_head_knocked_out_and_the_effect_in_numbers(shared, base):
    hd = base["head_dim"]
    out = shared.call("attention", word=WORD, intervention={"kind": "zero", "every": True})
    assert out["intervention"]["every"] is True
    changed = out["intervened"]
    for head in changed["heads"][0]:
        assert all(q["out"] == [0.0] * hd for q in head)
    # The effect is the script's own probabilities with the change minus without, signed.
    for pos, eff in enumerate(changed["effect"]):
        before, after = base["base"]["probs"][pos], changed["probs"][pos]
        assert eff["pos"] == pos
        assert eff["change"] == [a - b for a, b in zip(after, before, strict=True)]
        top = eff["largest"]
        assert abs(top["change"]) == max(abs(c) for c in eff["change"])
        assert (top["before"], top["after"]) == (before[top["token"]], after[top["token"]])
        assert eff["moved"] == pytest.approx(sum(abs(c) for c in eff["change"]) / 2)
        assert (eff["loss_before"], eff["loss_after"]) == (base["base"]["losses"][pos], changed["losses"][pos])
    # Without a change there is no effect to report; x1 changes nothing.
    same = shared.call("attention", word=WORD, intervention={"layer": 0, "head": 0, "kind": "scale", "amount": 1})
    assert all(e["largest"]["change"] == 0 for e in same["intervened"]["effect"])


def test_scale_onehot_and_partial_blend(shared, base):
    def capture(iv):
        return shared.call("attention", word=WORD, intervention=iv)

    flat = capture({"layer": 0, "head": 0, "kind": "scale", "amount": 0.0})
    uni = capture({"layer": 0, "head": 0, "kind": "uniform"})
    for got, want in zip(flat["intervened"]["probs"], uni["intervened"]["probs"], strict=True):
        assert got == pytest.approx(want, rel=1e-12)
    hot = capture({"layer": 0, "head": 3, "kind": "onehot", "key": 0})
    for q in hot["intervened"]["heads"][0][3]:
        assert q["weights"] == [1.0] + [0.0] * q["pos"]
        assert q["out"] == pytest.approx(q["values"][0], rel=1e-12)
    half = capture({"layer": 0, "head": 3, "kind": "zero", "amount": 0.5})
    for q, q0 in zip(half["intervened"]["heads"][0][3], base["base"]["heads"][0][3], strict=True):
        assert q["weights"] == pytest.approx([w / 2 for w in q0["weights"]])


def test_one_query_position_only(shared, base):
    out = shared.call("attention", word=WORD,
                      intervention={"layer": 0, "head": 1, "kind": "onehot", "key": 0, "query": 2})
    probs, before = out["intervened"]["probs"], base["base"]["probs"]
    # With one layer, a change at position 2 reaches only position 2's prediction.
    assert [p == b for p, b in zip(probs, before, strict=True)] == [True, True, False, True, True]


@pytest.mark.parametrize(
    "iv, message",
    [
        ({"layer": 0, "head": 0, "kind": "blur"}, "kind must be one of"),
        ({"layer": 3, "head": 0, "kind": "zero"}, "layer must be 0..0"),
        ({"layer": 0, "head": 4, "kind": "zero"}, "head must be 0..3"),
        ({"layer": 0, "head": 0, "kind": "uniform", "amount": 2}, "between 0 and 1"),
        ("uniform", "must be"),
        ({"kind": "zero", "every": "yes"}, "every must be true or false"),
    ],
)
def test_bad_interventions(shared, iv, message):
    assert message in shared.error("attention", word=WORD, intervention=iv)["message"]


def test_unknown_character(shared):
    err = shared.error("attention", word="a7")
    assert err["type"] == "ValueError" and err["line"] == line_of(SCRIPT, "tokens = [BOS] + [uchars.index(")


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="3.13+ writes through f_locals")
def test_write_without_ctypes_uses_the_trace_trampoline(shared, base, monkeypatch):
    monkeypatch.setattr(observe, "_L2F", [None])  # as if ctypes were missing
    monkeypatch.setattr(observe, "FORCE_BACKEND", "settrace")
    out = shared.call("attention", word=WORD, intervention={"layer": 0, "head": 2, "kind": "zero"})
    assert out["intervention"]["how"] == "settrace"
    assert all(q["out"] == [0.0] * base["head_dim"] for q in out["intervened"]["heads"][0][2])


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="3.13+ writes through f_locals")
def test_set_local_falls_back_to_changing_a_list_in_place(monkeypatch):
    monkeypatch.setattr(observe, "_L2F", [None])
    seen = []

    def f():
        w = [1.0, 2.0]
        frame = sys._getframe()
        how = observe.set_local(frame, "w", [0.0, 0.0])
        seen.append(how)
        return w

    assert f() == [0.0, 0.0] and seen == ["in-place"]


def test_set_local_with_the_native_mechanism():
    def f():
        w = [1.0, 2.0]
        frame = sys._getframe()
        observe.set_local(frame, "w", [3.0])
        return w

    assert f() == [3.0]


def test_bigger_model(driver):
    driver.load(source=variant(n_layer=2, n_embd=32, n_head=8))
    # Two positions only: on 3.11 the settrace hook makes this model slow to observe.
    out = driver.call("attention", word="z", intervention={"layer": 1, "head": 7, "kind": "zero"})
    assert (out["n_layer"], out["n_head"], out["head_dim"]) == (2, 8, 4)
    assert len(out["base"]["heads"]) == 2 and len(out["base"]["heads"][1]) == 8
    assert all(q["out"] == [0.0] * 4 for q in out["intervened"]["heads"][1][7])
    # Layer 0 is before the change: identical with and without it.
    assert out["intervened"]["heads"][0] == out["base"]["heads"][0]


def test_other_data_set(driver):
    driver.load(dataset=CAPITALS)
    out = driver.call("attention", word="lomé")
    assert out["labels"][4] == "é" and len(out["base"]["probs"]) == 5


def test_cached_base_follows_parameter_changes(loaded):
    first = loaded.call("attention", word="ab")
    assert loaded.call("attention", word="ab")["base"] == first["base"]
    loaded.call("eval", code="state_dict['layer0.attn_wq'][0][0].data += 0.5")  # as a training step would
    moved = loaded.call("attention", word="ab")
    assert moved["base"]["heads"] != first["base"]["heads"]
    ns = loaded.ns
    assert moved["base"]["probs"][1] == floats(ns["softmax"](plain_run(ns, "ab", 1)[0]))
