"""Forward trace: statement-by-statement view of the script's own gpt() call."""

import ast
import math
import sys

import pytest
from _scriptns import CAPITALS, SCRIPT, floats, plain_run, shared_ns, variant
from bridge import observe, scriptast
from bridge.errors import ScriptError
from bridge.trace import forward_trace


@pytest.fixture(scope="module")
def ns():
    return shared_ns()


def gpt_node(source=SCRIPT):
    return scriptast.find_function(ast.parse(source), "gpt")


def line_of(var, source=SCRIPT):
    return scriptast.assignment(gpt_node(source), var)[0].lineno


def tokens_of(ns, word):
    return [ns["BOS"]] + [ns["uchars"].index(c) for c in word] + [ns["BOS"]]


def test_lines_are_gpt_statements_in_order(ns):
    out = forward_trace(ns, "microgpt.py", "emma", 3)
    stmts = set(scriptast.statement_map(gpt_node()).values())
    lines = [e["line"] for e in out["events"] if e["event"] == "line"]
    assert set(lines) <= stmts
    # Every head of every layer passes the softmax statement once.
    assert lines.count(line_of("attn_weights")) == ns["n_layer"] * ns["n_head"]
    assert out["events"][0]["event"] == "call" and out["events"][-1]["event"] == "return"
    assert set(out["events"][0]["changed"]) == {"token_id", "pos_id", "keys", "values"}


def test_values_equal_a_plain_call(ns):
    pos = 3
    tokens = tokens_of(ns, "emma")
    out = forward_trace(ns, "microgpt.py", "emma", pos)
    logits, keys, _ = plain_run(ns, tokens, pos)
    assert out["logits"] == floats(logits)
    probs = ns["softmax"](logits)
    assert out["probs"] == floats(probs)
    assert out["target_id"] == tokens[pos + 1] == ns["uchars"].index("a")
    assert out["target_prob"] == probs[tokens[pos + 1]].data
    assert out["loss"] == pytest.approx(-math.log(out["target_prob"]))
    assert out["kv_cache"] == {
        "layers": ns["n_layer"],
        "positions": [pos + 1],
        "numbers": 2 * (pos + 1) * ns["n_embd"],
    }
    # The cache as recorded after `keys[li].append(k)` is the cache of the plain run.
    appended = [e for e in out["events"] if e["event"] == "line" and "keys" in e["changed"]]
    assert appended[-1]["changed"]["keys"] == floats(keys)
    # The first embedding sum is token row + position row, as floats.
    sd = ns["state_dict"]
    x0 = next(e["changed"]["x"] for e in out["events"] if "x" in e.get("changed", {}))
    emb = zip(sd["wte"][tokens[pos]], sd["wpe"][pos], strict=True)
    assert x0 == [t.data + p.data for t, p in emb]


def test_only_changed_locals_are_reported(ns):
    out = forward_trace(ns, "microgpt.py", "emma", 2)
    for e in out["events"]:
        if e["event"] == "line" and e["line"] == line_of("attn_weights"):
            assert set(e["changed"]) == {"attn_weights"}
        if e["event"] == "line" and e["line"] == line_of("q_h"):
            assert set(e["changed"]) == {"q_h"}
    head_lines = [e for e in out["events"] if "h" in e.get("changed", {})]
    assert [e["changed"]["h"] for e in head_lines] == list(range(ns["n_head"]))


def test_every_position_matches_plain_gpt_and_prefix_cache(ns):
    word = "sophia"
    tokens = tokens_of(ns, word)
    for pos in (4, 1, 5, 0, 2):  # out of order: the cached prefix is cut or extended
        out = forward_trace(ns, "microgpt.py", word, pos)
        assert out["logits"] == floats(plain_run(ns, tokens, pos)[0])


def test_prefix_cache_follows_parameter_changes():
    ns = shared_ns(filename="microgpt_changing.py")
    before = forward_trace(ns, "microgpt_changing.py", "ava", 2)["logits"]
    ns["state_dict"]["wpe"][0][0].data += 0.5  # what a training step does to parameters
    after = forward_trace(ns, "microgpt_changing.py", "ava", 2)["logits"]
    assert before != after
    assert after == floats(plain_run(ns, tokens_of(ns, "ava"), 2)[0])


def test_prefix_cache_follows_rebound_globals():
    ns = shared_ns(filename="microgpt_rebound.py")
    before = forward_trace(ns, "microgpt_rebound.py", "ava", 2)["logits"]
    linear = ns["linear"]
    ns["linear"] = lambda x, w: [2 * y for y in linear(x, w)]  # as `eval` could do
    try:
        after = forward_trace(ns, "microgpt_rebound.py", "ava", 2, source=SCRIPT)["logits"]
        assert after != before
        assert after == floats(plain_run(ns, tokens_of(ns, "ava"), 2)[0])
    finally:
        ns["linear"] = linear


def test_callees_are_stepped_into(ns):
    out = forward_trace(ns, "microgpt.py", "ava", 1, callees=True)
    calls = [e["func"] for e in out["events"] if e["event"] == "call"]
    n_layer, n_head = ns["n_layer"], ns["n_head"]
    assert calls.count("gpt") == 1
    assert calls.count("linear") == 6 * n_layer + 1
    assert calls.count("rmsnorm") == 1 + 2 * n_layer
    assert calls.count("softmax") == n_layer * n_head
    assert {e["depth"] for e in out["events"] if e["func"] != "gpt"} == {2}
    # A softmax return inside gpt is exactly the attn_weights bound on the next gpt line.
    i = next(i for i, e in enumerate(out["events"]) if e["func"] == "softmax")
    ret = next(e for e in out["events"][i:] if e["event"] == "return")
    after = next(e for e in out["events"][i:] if "attn_weights" in e.get("changed", {}))
    assert ret["value"] == after["changed"]["attn_weights"]
    assert out["logits"] == forward_trace(ns, "microgpt.py", "ava", 1)["logits"]


def test_unknown_character_and_bad_position(ns):
    with pytest.raises(ScriptError) as err:
        forward_trace(ns, "microgpt.py", "emmA", 0)
    assert err.value.type == "VocabularyError" and "'A'" in err.value.message
    with pytest.raises(ScriptError, match="pos must be between 0 and 4"):
        forward_trace(ns, "microgpt.py", "emma", 5)


def test_bigger_model_variant():
    source = variant(n_layer=2, n_embd=32, n_head=8)
    ns = shared_ns(source, filename="microgpt_big.py")
    assert (ns["n_layer"], ns["n_head"], ns["head_dim"]) == (2, 8, 4)
    out = forward_trace(ns, "microgpt_big.py", "liam", 2)
    lines = [e["line"] for e in out["events"] if e["event"] == "line"]
    assert lines.count(line_of("attn_weights", source)) == 2 * 8
    assert out["logits"] == floats(plain_run(ns, tokens_of(ns, "liam"), 2)[0])
    assert out["kv_cache"]["positions"] == [3, 3]


def test_other_data_set_with_accents():
    ns = shared_ns(data=CAPITALS, filename="microgpt_capitals.py")
    word = "bogotá"
    out = forward_trace(ns, "microgpt_capitals.py", word, 6)
    assert out["chars"][6] == "á" and out["target_id"] == ns["BOS"]
    assert out["logits"] == floats(plain_run(ns, tokens_of(ns, word), 6)[0])
    with pytest.raises(ScriptError, match="'z'"):
        forward_trace(ns, "microgpt_capitals.py", "zürich", 0)


def test_settrace_path_gives_the_same_events(ns, monkeypatch):
    native = forward_trace(ns, "microgpt.py", "mia", 2)
    hook = sys.gettrace()
    monkeypatch.setattr(observe, "FORCE_BACKEND", "settrace")
    forced = forward_trace(ns, "microgpt.py", "mia", 2)
    assert forced["backend"] == "settrace"
    assert forced["events"] == native["events"] and forced["logits"] == native["logits"]
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
