"""The model's data flow (outline.py): which statements embed, attend, mix in the MLP or make the
output, in which layer and head, found from what they do. Checked against each script's own text
for microgpt.py and for variants that rename everything, use classes, or have more layers."""

import pytest
from _bridgecore import SCRIPT, VARIANTS_DIR, Driver, line_of, variants_harness

plain = variants_harness()


def load(tmp_path_factory, name):
    driver = Driver(tmp_path_factory.mktemp(name))
    if name == "microgpt":
        driver.load()
        return driver, SCRIPT
    path = VARIANTS_DIR / f"{name}.py"
    source = path.read_text(encoding="utf-8")
    driver.load(source=source, dataset=plain.data_for(path)[1], filename=path.name)
    return driver, source


def flows_by_line(outline):
    return {(item["func"], item["line"]): item["flow"] for item in outline["outline"]}


def flow_of(outline, source, text, func=None):
    """The flow of the (first) statement of the outline whose line holds `text`."""
    line = line_of(source, text)
    found = [item for item in outline["outline"] if item["line"] == line and (func is None or item["func"] == func)]
    assert found, f"no statement at line {line} ({text!r}) in the outline"
    return found[0]


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    driver, source = load(tmp_path_factory, "microgpt")
    return driver.call("outline"), source


def test_default_flows(default):
    out, source = default
    assert out["model"] == "gpt" and out["word"] == "ab"
    assert out["layers"] == {"count": 1, "heads": 4}
    assert out["embedding"] == {"token": "wte", "position": "wpe"} and out["output"] == "lm_head"
    expected = {
        "tok_emb = state_dict['wte'][token_id]": "embed",
        "pos_emb = state_dict['wpe'][pos_id]": "embed",
        "q = linear(x, state_dict[f'layer{li}.attn_wq'])": "attn",
        "attn_weights = softmax(attn_logits)": "attn",
        "head_out = [sum(attn_weights[t]": "attn",
        "x = linear(x_attn, state_dict[f'layer{li}.attn_wo'])": "attn",
        "x = [xi.relu() for xi in x]": "mlp",
        "x = linear(x, state_dict[f'layer{li}.mlp_fc2'])": "mlp",
        "logits = linear(x, state_dict['lm_head'])": "out",
        "for li in range(n_layer):": "layer",
    }
    assert {text: flow_of(out, source, text)["flow"] for text in expected} == expected
    # The two residual adds: the first closes attention, the second the MLP.
    first = line_of(source, "x = [a + b for a, b in zip(x, x_residual)]")
    second = line_of(source, "x = [a + b for a, b in zip(x, x_residual)]", first + 1)
    by_line = flows_by_line(out)
    assert (by_line[("gpt", first)], by_line[("gpt", second)]) == ("attn", "mlp")
    # The order is the order they ran in, and each item is the script's own line.
    lines = [item["line"] for item in out["outline"]]
    assert lines == sorted(lines)
    assert all(item["text"] == source.splitlines()[item["line"] - 1].strip() for item in out["outline"])


def test_default_facts(default):
    out, source = default
    tok = flow_of(out, source, "tok_emb = state_dict['wte']")
    # The word is "ab" and the call is at position 1: token "a" (id 0) at position 1.
    assert [(lk["matrix"], lk["row"], lk["by"]) for lk in tok["lookups"]] == [("wte", 0, "token")]
    pos = flow_of(out, source, "pos_emb = state_dict['wpe']")
    assert [(lk["matrix"], lk["row"], lk["by"]) for lk in pos["lookups"]] == [("wpe", 1, "position")]
    weights = flow_of(out, source, "attn_weights = softmax(")
    assert weights["weights"] == "attn_weights" and weights["in_head"] and weights["in_layer"]
    assert weights["calls"] == ["softmax"] and weights["size"] == 2  # two positions so far
    q = flow_of(out, source, "q = linear(x, ")
    assert q["matrices"] == ["layer0.attn_wq"] and q["calls"] == ["linear"] and not q["in_head"]
    relu = flow_of(out, source, "x = [xi.relu() for xi in x]")
    assert relu["op"] == "relu" and relu["size"] == 64
    logits = flow_of(out, source, "logits = linear(x, state_dict['lm_head'])")
    assert logits["matrices"] == ["lm_head"] and logits["size"] == 27


def test_renamed_model(tmp_path_factory):
    driver, source = load(tmp_path_factory, "renamed_model")
    out = driver.call("outline")
    assert out["model"] == "forward_token" and out["layers"] == {"count": 1, "heads": 4}
    expected = {
        "te = state_dict['wte'][tok]": "embed",
        "pe = state_dict['wpe'][pos]": "embed",
        "att = [sum(qs[d] * ks[s][d]": "attn",
        "alpha = probs_from(att)": "attn",
        "mixed = [sum(alpha[s] * vs[s][d]": "attn",
        "h = [u.relu() for u in h]": "mlp",
        "scores = matmul(h, state_dict['lm_head'])": "out",
    }
    assert {text: flow_of(out, source, text)["flow"] for text in expected} == expected
    assert flow_of(out, source, "alpha = probs_from(att)")["weights"] == "alpha"


def test_class_based_model(tmp_path_factory):
    driver, source = load(tmp_path_factory, "model_classes_gelu")
    out = driver.call("outline")
    assert out["model"] == "GPT.__call__" and out["layers"] == {"count": 1, "heads": 4}
    assert out["embedding"] == {"token": "wte.w", "position": "wpe.w"} and out["output"] == "lm_head.w"
    funcs = {item["func"] for item in out["outline"]}
    assert {"GPT.__call__", "Block.__call__", "Attention.__call__", "MLP.__call__"} <= funcs
    # A statement of a function takes the flow of what it does; a whole Block is a layer.
    assert flow_of(out, source, "x = [t + p for t, p in zip(self.wte(token_id)")["flow"] == "embed"
    assert flow_of(out, source, "attn_weights = softmax(attn_logits)")["flow"] == "attn"
    assert flow_of(out, source, "zip(self.attn(self.norm1(x), cache), x)")["flow"] == "attn"
    assert flow_of(out, source, "zip(self.mlp(self.norm2(x)), x)")["flow"] == "mlp"
    assert flow_of(out, source, "return self.fc2(self.act(self.fc1(x)))")["flow"] == "mlp"
    assert flow_of(out, source, "x = block(x, cache)")["flow"] == "layer"
    assert flow_of(out, source, "return self.lm_head(x)")["flow"] == "out"
    # Each statement of a called function says which statement called it.
    mlp = flow_of(out, source, "return self.fc2(self.act(self.fc1(x)))")
    assert mlp["caller"] == ["Block.__call__", line_of(source, "zip(self.mlp(self.norm2(x)), x)")]
    assert mlp["depth"] == 3


def test_two_layers_two_heads(tmp_path_factory):
    driver, source = load(tmp_path_factory, "two_layers_two_heads")
    out = driver.call("outline")
    assert out["layers"] == {"count": 2, "heads": 2}
    # The outline shows the first layer and head once; the trace has every one.
    weights = line_of(source, "attn_weights = softmax(attn_logits)")
    assert [item["line"] for item in out["outline"]].count(weights) == 1
    trace = driver.call("trace", name="ab", pos=1)
    anchors = [(e["layer"], e["head"]) for e in trace["events"] if e["event"] == "line" and e["line"] == weights]
    assert anchors == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert {e["flow"] for e in trace["events"]} >= {"embed", "attn", "mlp", "out"}
