"""Attention capture from gpt()'s frame, and interventions written into that frame."""

import ast
import math
import sys

import pytest
from _scriptns import CAPITALS, SCRIPT, floats, plain_run, shared_ns, variant
from bridge import attention, observe, scriptast
from bridge.errors import ScriptError

WORD = "emma"


@pytest.fixture(scope="module")
def ns():
    return shared_ns()


@pytest.fixture(scope="module")
def base(ns):
    return attention.capture(ns, "microgpt.py", WORD)


def tokens_of(ns, word):
    return [ns["BOS"]] + [ns["uchars"].index(c) for c in word] + [ns["BOS"]]


def test_lines_come_from_the_ast(base):
    gpt = scriptast.find_function(ast.parse(SCRIPT), "gpt")
    for var, line in base["lines"].items():
        node = next(
            n for n in ast.walk(gpt)
            if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == var for t in n.targets)
        )
        assert line == node.lineno


def test_capture_shapes_and_consistency(ns, base):
    n_pos = len(WORD) + 1
    heads = base["base"]["heads"]
    assert len(heads) == ns["n_layer"] and len(heads[0]) == ns["n_head"]
    hd = ns["head_dim"]
    for layer in heads:
        for head in layer:
            assert [q["pos"] for q in head] == list(range(n_pos))
            for q in head:
                t = q["pos"] + 1  # keys seen so far
                assert len(q["q_h"]) == hd and len(q["k_h"]) == t and len(q["v_h"]) == t
                scores = [sum(a * b for a, b in zip(q["q_h"], k, strict=True)) / hd**0.5
                          for k in q["k_h"]]
                assert q["attn_logits"] == pytest.approx(scores, rel=1e-12)
                top = max(scores)
                exps = [math.exp(s - top) for s in scores]
                assert q["attn_weights"] == pytest.approx([e / sum(exps) for e in exps])
                mix = [sum(w * v[j] for w, v in zip(q["attn_weights"], q["v_h"], strict=True))
                       for j in range(hd)]
                assert q["head_out"] == pytest.approx(mix, rel=1e-12)


def test_probs_equal_plain_gpt(ns, base):
    tokens = tokens_of(ns, WORD)
    for pos, probs in enumerate(base["base"]["probs"]):
        logits, _, _ = plain_run(ns, tokens, pos)
        assert probs == floats(ns["softmax"](logits))
    assert base["intervened"] is None and base["chars"][1] == "e"


def test_uniform_changes_the_output(ns, base):
    iv = {"layer": 0, "head": 1, "kind": "uniform", "amount": 1.0}
    out = attention.capture(ns, "microgpt.py", WORD, iv)
    assert out["base"] == base["base"]
    changed = out["intervened"]["heads"][0][1]
    for q in changed:
        assert q["attn_weights"] == pytest.approx([1 / (q["pos"] + 1)] * (q["pos"] + 1))
        assert q["attn_weights_original"] == base["base"]["heads"][0][1][q["pos"]]["attn_weights"]
    # One key only at position 0: uniform is what softmax gave already.
    assert out["intervened"]["probs"][0] == pytest.approx(base["base"]["probs"][0])
    assert out["intervened"]["probs"][2] != base["base"]["probs"][2]
    assert out["intervention"]["how"] in ("f_locals", "LocalsToFast", "settrace")


def test_zero_head_gives_zero_output_and_leaves_other_heads(ns, base):
    iv = {"layer": 0, "head": 2, "kind": "zero"}
    out = attention.capture(ns, "microgpt.py", WORD, iv)["intervened"]
    for q in out["heads"][0][2]:
        assert q["head_out"] == [0.0] * ns["head_dim"]
    # In layer 0 the other heads read keys/values made before attention: untouched.
    for h in (0, 1, 3):
        assert out["heads"][0][h] == base["base"]["heads"][0][h]
    assert out["probs"][1] != base["base"]["probs"][1]


def test_scale_onehot_and_partial_blend(ns, base):
    flat = attention.capture(ns, "microgpt.py", WORD,
                             {"layer": 0, "head": 0, "kind": "scale", "amount": 0.0})
    uni = attention.capture(ns, "microgpt.py", WORD, {"layer": 0, "head": 0, "kind": "uniform"})
    for got, want in zip(flat["intervened"]["probs"], uni["intervened"]["probs"], strict=True):
        assert got == pytest.approx(want, rel=1e-12)
    hot = attention.capture(ns, "microgpt.py", WORD,
                            {"layer": 0, "head": 3, "kind": "onehot", "key": 0})
    for q in hot["intervened"]["heads"][0][3]:
        assert q["attn_weights"] == [1.0] + [0.0] * q["pos"]
        assert q["head_out"] == pytest.approx(q["v_h"][0], rel=1e-12)
    half = attention.capture(ns, "microgpt.py", WORD,
                             {"layer": 0, "head": 3, "kind": "zero", "amount": 0.5})
    for q, q0 in zip(half["intervened"]["heads"][0][3], base["base"]["heads"][0][3], strict=True):
        assert q["attn_weights"] == pytest.approx([w / 2 for w in q0["attn_weights"]])


def test_one_query_position_only(ns, base):
    out = attention.capture(ns, "microgpt.py", WORD,
                            {"layer": 0, "head": 1, "kind": "onehot", "key": 0, "query": 2})
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
    ],
)
def test_bad_interventions(ns, iv, message):
    with pytest.raises(ScriptError, match=message):
        attention.capture(ns, "microgpt.py", WORD, iv)


def test_unknown_character(ns):
    with pytest.raises(ScriptError, match="'7'"):
        attention.capture(ns, "microgpt.py", "a7")


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="3.13+ writes through f_locals")
def test_write_without_ctypes_uses_the_trace_trampoline(ns, base, monkeypatch):
    monkeypatch.setattr(observe, "_L2F", [None])  # as if ctypes were missing
    monkeypatch.setattr(observe, "FORCE_BACKEND", "settrace")
    out = attention.capture(ns, "microgpt.py", WORD, {"layer": 0, "head": 2, "kind": "zero"})
    assert out["intervention"]["how"] == "settrace"
    assert all(q["head_out"] == [0.0] * ns["head_dim"] for q in out["intervened"]["heads"][0][2])


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


def test_bigger_model_and_capitals():
    source = variant(n_layer=2, n_embd=32, n_head=8)
    ns = shared_ns(source, filename="microgpt_big.py")
    # Two positions only: on 3.11 the settrace hook makes this model slow to observe.
    out = attention.capture(ns, "microgpt_big.py", "z", {"layer": 1, "head": 7, "kind": "zero"})
    assert len(out["base"]["heads"]) == 2 and len(out["base"]["heads"][1]) == 8
    assert all(q["head_out"] == [0.0] * 4 for q in out["intervened"]["heads"][1][7])
    # Layer 0 is before the change: identical with and without it.
    assert out["intervened"]["heads"][0] == out["base"]["heads"][0]
    ns = shared_ns(data=CAPITALS, filename="microgpt_capitals.py")
    cap = attention.capture(ns, "microgpt_capitals.py", "lomé")
    assert cap["chars"][4] == "é" and len(cap["base"]["probs"]) == 5


def test_cached_base_follows_parameter_changes():
    ns = shared_ns(filename="microgpt_changing_attn.py")
    first = attention.capture(ns, "microgpt_changing_attn.py", "ab")
    again = attention.capture(ns, "microgpt_changing_attn.py", "ab")
    assert again["base"] == first["base"]
    ns["state_dict"]["layer0.attn_wq"][0][0].data += 0.5  # as a training step would
    moved = attention.capture(ns, "microgpt_changing_attn.py", "ab")
    assert moved["base"]["heads"] != first["base"]["heads"]
    tokens = tokens_of(ns, "ab")
    assert moved["base"]["probs"][1] == floats(ns["softmax"](plain_run(ns, tokens, 1)[0]))
    attention.forget()
