"""Every script of the variant corpus (tests/variants) through the bridge.

(a) The first five step losses through the bridge are those the script prints as a plain process
    (conftest.py's `plain_runs`, compared as printed: 4 decimals).
(b) Every bridge method the chapters use answers with real content for it: info with its roles,
    vocab, tokenize, params, step (with_params, watch), schedule, outline, trace, attention,
    autograd, the loss graph, sample and checkpoints.

One Session per variant (a module-scoped fixture, so pytest runs a variant's tests together and
then drops it): (a) runs first and steps it five times, (b) goes on from there. Inside Pyodide,
about five times slower than CPython, (b) runs for a few of the variants (and (a) skips: no
processes there).
"""

import ast
import importlib.util
import math
from dataclasses import dataclass

import pytest
from _bridgecore import IN_PYODIDE, Driver, loss_text, needs_process, source_lines, variants_harness
from bridge import autograd as autograd_mod

plain = variants_harness()
# Inside Pyodide: a plain-Value script, a micrograd-style Value, a class-based model, a separate
# EOS token, and hyperparameters from argparse (skipped if that Python has no argparse).
PYODIDE_SUBSET = ("tokenizer_stoi_itos", "value_micrograd", "model_classes_gelu", "eos_token",
                  "argparse_hyperparams")
VARIANTS = [p for p in plain.variants() if not IN_PYODIDE or p.stem in PYODIDE_SUBSET]
FLOWS = {"embed", "attn", "mlp", "out"}


@dataclass
class Loaded:
    path: object
    driver: Driver
    info: dict
    source: str
    data_file: str  # where the variant's header says it reads its data
    lacks: set  # the roles its header says it truly does not have

    def call(self, method, **args):
        return self.driver.call(method, **args)

    def error(self, method, **args):
        return self.driver.error(method, **args)

    def short_doc(self):
        """A short document of its data set (at least two characters), as the script reads them."""
        docs = self.info["docs_head"]
        return min((d for d in docs if len(d) >= 2), key=len)


def _missing_modules(source):
    """Top-level modules the script imports that this Python does not have."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(a.name.partition(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.partition(".")[0])
    return sorted(n for n in names if importlib.util.find_spec(n) is None)


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda p: p.stem)
def variant(request, tmp_path_factory):
    path = request.param
    source = path.read_text(encoding="utf-8")
    missing = _missing_modules(source)
    if missing:
        pytest.skip(f"this Python has no {', '.join(missing)} (the page's stdlib may lack it)")
    relative, text = plain.data_for(path)
    driver = Driver(tmp_path_factory.mktemp(path.stem))
    info = driver.load(source=source, dataset=text, filename=path.name)
    return Loaded(path, driver, info, source, relative, plain.lacks(path))


# ---- (a) the losses of a plain run ----

@needs_process
def test_first_losses_are_the_plain_process_losses(variant, plain_runs):
    assert variant.call("info")["step"] == 0
    records = variant.call("step", count=5)
    assert [r["step"] for r in records] == [1, 2, 3, 4, 5]
    assert [loss_text(r["loss"]) for r in records] == plain_runs[variant.path].result()


# ---- (b) every method the chapters use ----

def test_info_finds_every_role_the_script_has(variant):
    info, source = variant.info, variant.source
    assert set(info["roles"]["missing"]) == variant.lacks
    assert len(info["missing"]) == len(variant.lacks)
    assert info["data_file"] == variant.data_file
    assert info["num_docs"] > 0 and info["docs_head"] and info["longest_doc"] >= 2
    assert info["vocab"]["size"] == len(info["vocab"]["labels"]) > 2
    hyper = info["hyper"]
    assert hyper["num_steps"] == 1000 and hyper["n_embd"] == 16 and hyper["max_positions"] >= 8
    assert hyper["temperature"] == (None if "sample" in variant.lacks else 0.5)
    params = info["params"]
    assert params["count"] == sum(m["rows"] * m["cols"] for m in params["layout"]) > 1000
    assert info["roles"]["output"] in params["names"]
    phases = info["phases"]
    # The ranges are the right statements of this script's own text.
    assert source_lines(source, phases["train"])[0].lstrip().startswith("for ")
    assert ".backward()" in "\n".join(source_lines(source, phases["train.backward"]))
    assert source_lines(source, phases["model"])[0].lstrip().startswith("def ")
    assert source_lines(source, phases["autograd"])[0].startswith("class ")
    assert phases["train"][0] <= phases["train.forward"][0] <= phases["train.backward"][0]
    assert phases["train.backward"][1] < phases["train.update"][0] <= phases["train"][1]
    if "sample" in variant.lacks:
        assert "sample" not in phases and info["roles"]["sampling"] is None
    else:
        assert source_lines(source, phases["sample"])[0].lstrip().startswith("for ")


def test_vocab(variant):
    vocab = variant.call("vocab")
    info = variant.info["vocab"]
    assert {k: vocab[k] for k in info} == info
    ids = [c["id"] for c in vocab["chars"]]
    assert len(set(ids)) == len(ids) and all(0 <= i < vocab["size"] for i in ids)
    assert vocab["bos"] not in ids and vocab["eos"] not in ids
    for c in vocab["chars"]:  # the script's own label for the character's id is the character
        assert vocab["labels"][c["id"]] == c["ch"] and c["count"] > 0
    assert sum(c["count"] for c in vocab["chars"]) == vocab["total_chars"]
    assert set("".join(variant.info["docs_head"])) <= {c["ch"] for c in vocab["chars"]}


def test_tokenize_a_name_of_its_data_set(variant):
    word = variant.short_doc()
    vocab = variant.call("vocab")
    ids = {c["ch"]: c["id"] for c in vocab["chars"]}
    out = variant.call("tokenize", text=word)
    assert out["error"] is None
    assert [c["id"] for c in out["chars"]] == [ids[ch] for ch in word]
    end = vocab["eos"] if vocab["eos"] is not None else vocab["bos"]
    assert out["tokens"] == [vocab["bos"]] + [ids[ch] for ch in word] + [end]
    assert out["n"] == len(word) + 1  # a short name: every position is visited
    assert [(p["input"], p["target"]) for p in out["pairs"]] == list(
        zip(out["tokens"][:-1], out["tokens"][1:], strict=True))
    first, last = variant.info["phases"]["train.tokens"]
    assert first <= out["lines"][0] <= out["lines"][1] <= last and out["code"]


def test_params(variant):
    params = variant.call("params")
    count = variant.info["params"]["count"]
    assert params["names"] == variant.info["params"]["names"]
    assert params["moments"] == variant.info["roles"]["moments"] and len(params["moments"]) == 2
    for key in ("data", "grad", "m", "v"):
        assert len(params[key]) == count
    assert any(x != 0 for x in params["data"])


def test_step_with_params_and_watch(variant):
    before = variant.call("params")
    last = variant.info["params"]["count"] - 1
    (rec,) = variant.call("step", with_params=True, watch=[0, last])
    assert rec["step"] == variant.call("info")["step"] >= 1
    assert rec["doc"] and rec["tokens"] and rec["n"] == len(rec["losses"]) >= 1
    losses = rec["losses"]
    assert math.isfinite(rec["loss"]) and all(math.isfinite(x) and x > 0 for x in losses)
    # `loss` is what backward() got: the mean of the terms, or their sum when each term is
    # backpropagated at once (already divided by n).
    assert rec["loss"] == pytest.approx(sum(losses) / len(losses)) or rec["loss"] == pytest.approx(sum(losses))
    assert any(g != 0 for g in rec["grad"])
    assert rec["data"] != before["data"]
    rows = rec["update"]["rows"]
    moments = variant.info["roles"]["moments"]
    assert [r["index"] for r in rows] == [0, last] and rec["update"]["moments"] == moments
    for row in rows:
        i = row["index"]
        assert row["before"]["data"] == before["data"][i]
        assert row["grad"] == rec["grad"][i]
        assert row["after"]["data"] == rec["data"][i]  # the body replayed gives the real update
        assert [row["after"][m] for m in moments] == [rec["m"][i], rec["v"][i]]
        assert row["locals"]
    schedule = variant.info["roles"]["schedule"]
    if schedule is not None:
        values = dict(variant.call("schedule")["values"])
        assert rec["lr_t"] == values[rec["step"]]


def test_schedule(variant):
    if variant.info["roles"]["schedule"] is None:
        assert "schedule" in variant.error("schedule")["message"]
        return
    out = variant.call("schedule")
    num_steps = variant.info["hyper"]["num_steps"]
    assert out["var"] == variant.info["roles"]["schedule"]
    assert [s for s, _ in out["values"]] == list(range(1, num_steps + 1))
    values = [v for _, v in out["values"]]
    assert values[0] > 0 and all(b <= a for a, b in zip(values, values[1:], strict=False))  # decays
    first, last = variant.info["phases"]["train.update"]
    assert first <= out["lines"][0] <= out["lines"][1] <= last
    assert [s for s, _ in variant.call("schedule", every=100)["values"]] == [
        *range(1, num_steps, 100), num_steps]


def test_outline_has_every_flow(variant):
    out = variant.call("outline")
    flows = {item["flow"] for item in out["outline"]}
    assert FLOWS <= flows, flows
    lines = variant.source.splitlines()
    for item in out["outline"]:
        assert item["text"] == lines[item["line"] - 1].strip()
    names = variant.info["params"]["names"]
    assert out["embedding"]["token"] in names and out["embedding"]["position"] in names
    assert out["output"] == variant.info["roles"]["output"]
    assert out["layers"]["count"] >= 1 and out["layers"]["heads"] >= 1
    # Each flow is a statement whose numbers are the script's: a row lookup embeds, the weights
    # are a distribution over the positions so far, the output makes one score per token.
    assert any(item["lookups"] for item in out["outline"] if item["flow"] == "embed")
    assert any(item.get("weights") for item in out["outline"] if item["flow"] == "attn")


def test_trace_every_position_equals_the_step(variant):
    blob = variant.call("checkpoint_export")["blob"]
    before = variant.call("params")["data"]
    steps = variant.call("info")["step"]
    (rec,) = variant.call("step")
    info = variant.call("checkpoint_import", blob=blob)
    assert info["step"] == steps and variant.call("params")["data"] == before
    doc, vocab = rec["doc"], variant.info["vocab"]
    model = variant.info["roles"]["model"]["name"]
    for pos in range(rec["n"]):
        out = variant.call("trace", name=doc, pos=pos)
        assert out["tokens"] == rec["tokens"] and out["positions"] == rec["n"]
        assert out["token_id"] == rec["tokens"][pos] and out["target_id"] == rec["tokens"][pos + 1]
        assert len(out["probs"]) == vocab["size"] and sum(out["probs"]) == pytest.approx(1, abs=1e-9)
        assert out["target_prob"] == out["probs"][out["target_id"]]
        # The loss term of this position, by the loop body's own statement, with the same weights.
        assert out["loss"] == pytest.approx(rec["losses"][pos], rel=1e-12)
        events = out["events"]
        assert events[0]["event"] == "call" and events[0]["func"] == model
        assert events[-1]["event"] == "return" and events[-1]["func"] == model
        assert len(out["logits"]) == vocab["size"]


def test_attention(variant):
    word = variant.short_doc()
    out = variant.call("attention", word=word)
    layers = variant.call("outline")["layers"]
    assert (out["n_layer"], out["n_head"]) == (layers["count"], layers["heads"])
    assert out["head_dim"] * out["n_head"] == variant.info["hyper"]["n_embd"]
    heads = out["base"]["heads"]
    assert len(heads) == out["n_layer"] and all(len(layer) == out["n_head"] for layer in heads)
    positions = out["positions"]
    assert positions == len(word) + 1
    for layer in heads:
        for head in layer:
            assert [q["pos"] for q in head] == list(range(positions))
            for q in head:
                assert len(q["weights"]) == len(q["keys"]) == len(q["values"]) == q["pos"] + 1
                assert sum(q["weights"]) == pytest.approx(1, abs=1e-9)
                assert len(q["out"]) == len(q["query"]) == out["head_dim"]
                mix = [sum(w * v[j] for w, v in zip(q["weights"], q["values"], strict=True))
                       for j in range(out["head_dim"])]
                assert q["out"] == pytest.approx(mix, rel=1e-9, abs=1e-12)  # this head's own output
    assert len(out["base"]["probs"]) == positions
    assert all(sum(p) == pytest.approx(1, abs=1e-9) for p in out["base"]["probs"])
    assert all(math.isfinite(x) and x > 0 for x in out["base"]["losses"])


def test_autograd_presets(variant):
    first = variant.call("autograd")
    presets = first["presets"]
    assert presets and set(presets) <= set(autograd_mod.PRESETS)
    assert first["autograd"] == variant.info["roles"]["autograd"]
    for preset in presets:
        out = variant.call("autograd", preset=preset)
        assert out["preset"] == preset
        assert out["fd_check"] and all(c["agree"] for c in out["fd_check"].values()), out["fd_check"]
        # backward() visited every node once, each before the nodes it was made from.
        order = out["order"]
        assert sorted(order) == list(range(len(out["nodes"]))) and order[0] == out["output_id"]
        where = {node: i for i, node in enumerate(order)}
        assert all(where[e["to"]] < where[e["from"]] for e in out["edges"])
        # The last grad written to an input is its grad (a script may clear the computed ones).
        final = {w["node"]: w["grad"] for w in out["writes"]}
        inputs = [n["id"] for n in out["nodes"] if n["kind"] == "input"]
        assert all(out["nodes"][i]["grad"] == final[i] == out["grads"][out["nodes"][i]["label"]] for i in inputs)


def test_loss_graph_and_path_to_the_token_embedding(variant):
    built = variant.call("loss_graph")
    assert built["steps_done"] == variant.call("info")["step"] and built["roots"] >= 1
    summary = built["summary"]
    assert summary["nodes"] > 1000 and sum(summary["by_op"].values()) == summary["nodes"]
    root = variant.call("loss_graph_expand")
    assert root["id"] == summary["root_id"] and root["data"] == built["loss"] and root["n_children"] > 0
    # What backward() left on the loss: 1, or 0 when the script clears computed nodes' grads.
    assert root["grad"] in (1, 0)
    walk = variant.call("loss_graph_path")
    token = variant.call("outline")["embedding"]["token"]
    assert walk[0]["id"] == root["id"]
    leaf = walk[-1]
    assert leaf["label"].startswith(token + "[") and leaf["op"] == "leaf" and leaf["n_children"] == 0
    assert leaf["grad"] != 0  # the parameter's grad right after this graph's backward()
    for parent, child in zip(walk, walk[1:], strict=False):
        assert child["id"] in [c["id"] for c in parent["children"]]


def test_sample_with_a_seed(variant):
    if "sample" in variant.lacks:
        assert variant.error("sample", seed=1)["message"] == variant.info["roles"]["missing"]["sample"]
        return
    labels = variant.info["vocab"]["labels"]
    for seed in range(1, 6):  # an untrained model may draw the end token first
        out = variant.call("sample", seed=seed)
        if out["text"]:
            break
    assert out["text"]
    drawn = [labels[s["token"]] for s in out["steps"]]
    # The text is the labels of the drawn tokens, less the one that ended the sample.
    assert out["text"] in ("".join(drawn), "".join(drawn[:-1]))
    for s in out["steps"]:
        assert len(s["probs"]) == len(labels) and sum(s["probs"]) == pytest.approx(1, abs=1e-9)
        assert s["probs"][s["token"]] > 0 and s["argmax"] == max(range(len(labels)), key=s["probs"].__getitem__)


def test_checkpoint_round_trip(variant):
    blob = variant.call("checkpoint_export")["blob"]
    params = variant.call("params")
    info = variant.call("checkpoint_import", blob=memoryview(blob))  # as Pyodide hands it over
    assert info["step"] == variant.call("info")["step"]
    again = variant.call("params")
    assert all(again[k] == params[k] for k in ("data", "m", "v"))
    assert variant.call("checkpoint_export")["blob"] == blob
