"""Chapter 4 follows any script of microgpt's shape (tests/variants/): the diagram is drawn from
each script's own outline (renamed functions and variables, a model made of classes, two layers
of two heads, tied weights, a separate EOS token, a micrograd-style Value, relu**2) and the
step-through walks each one's own trace, with its code panel in the function each statement
belongs to. Each page is built around its variant (variant_pages.py), as a learner's edited
script would be."""

import pytest
from test_section_architecture import (
    LIVE,
    READ_DIAGRAM,
    answer,
    check_diagram,
    check_final,
    check_walk,
    go_to,
    open_section,
    picked,
    walk,
)
from variant_pages import variant_page

pytestmark = pytest.mark.browser

NAMES = [
    "renamed_model",
    "model_classes_gelu",
    "two_layers_two_heads",
    "tied_embeddings",
    "eos_token",
    "value_micrograd",
    "relu2_cosine_block8",
]
KV_NOTE = "(sel) => document.querySelector(sel + ' .arch-kv-note').textContent"


def box_texts(page):
    return {d["key"]: d["text"] for d in page.evaluate(READ_DIAGRAM, LIVE) if d["kind"] == "box"}


@pytest.mark.parametrize("name", NAMES)
def test_each_variant_draws_and_steps_its_own_model(name, open_page, tmp_path_factory, artifacts):
    rec, info = open_section(open_page, variant_page(tmp_path_factory, name).as_uri())
    page = rec.page
    outline = answer(rec, "outline")
    diagram = page.evaluate(READ_DIAGRAM, LIVE)
    check_diagram(diagram, outline)
    doc, pos = picked(page)
    trace = answer(rec, "trace", {"name": doc, "pos": pos})
    # The positions are the loop's own, labelled by the script's vocabulary; the last one's
    # target is the script's end token.
    vocab = info["vocab"]
    end = vocab["labels"][vocab["eos"] if vocab["eos"] is not None else vocab["bos"]]
    options = page.evaluate("(sel) => [...document.querySelector(sel + ' .arch-pos').options].map((o) => o.text)", LIVE)
    assert len(options) == answer(rec, "tokenize", {"text": doc})["n"] == trace["positions"]
    assert options[-1].endswith(f"→ {end}")
    seen = walk(page)
    check_walk(seen, trace, info, outline, diagram)
    check_final(page, trace)
    page.screenshot(path=str(artifacts / f"architecture-{name}.png"))
    check_variant(name, page, seen, outline, trace)
    assert rec.errors == []


def check_variant(name, page, seen, outline, trace):
    """What each variant changes shows as that change."""
    texts = box_texts(page)
    joined = " ".join(texts.values())
    if name == "renamed_model":
        assert outline["model"] == "forward_token"
        assert any(t.startswith("qry") for t in texts.values()) and "alpha = probs_from over positions" in joined
        assert "k_cache" in page.evaluate(KV_NOTE, LIVE) and "v_cache" in page.evaluate(KV_NOTE, LIVE)
    elif name == "model_classes_gelu":
        frames = [d["text"] for d in page.evaluate(READ_DIAGRAM, LIVE) if d["kind"] == "call"]
        assert any("Attention.__call__" in f for f in frames) and any("MLP.__call__" in f for f in frames)
        assert any("Block.__call__" in f for f in frames)
        # The statement that called Block.__call__ says it took what that function returned.
        assert any("x is what Block.__call__ returned" in s["about"] for s in seen)
        assert any("GELU" in s["about"] for s in seen)
    elif name == "two_layers_two_heads":
        assert outline["layers"] == {"count": 2, "heads": 2}
        heads = [(s["layer"], s["head"]) for s in seen if "weights over positions" in s["about"]]
        assert heads == [(0, 0), (0, 1), (1, 0), (1, 1)]
        step = next(s for s in seen if s["layer"] == 1 and "layer1.attn_wq" in s["about"])
        go_to(page, step["step"])
        assert any("layer1.attn_wo" in t for t in box_texts(page).values())
        assert not any("layer0." in t for t in box_texts(page).values())
    elif name == "tied_embeddings":
        output = {f"{i['func']}:{i['line']}" for i in outline["outline"] if i["flow"] == "out"}
        out = [t for k, t in texts.items() if k in output]
        assert any("· wte" in t for t in out), out
    elif name == "eos_token":
        assert trace["labels"][-1] == "<EOS>" and trace["labels"][0] == "<BOS>"
    elif name == "value_micrograd":
        assert any("over positions" in t for t in texts.values())
    elif name == "relu2_cosine_block8":
        assert any("relu() ** 2" in t for t in texts.values())
        assert any("each made by a power" in s["about"] for s in seen)
