"""Four scripts of the variant corpus (tests/variants/) pasted into the editor of the default page
and Run, as a learner drops in their own copy of microgpt.py: every chapter's live area then draws
real content for that script — no "undefined", no "?" token, no error line, no chapter still
waiting for Python — and names what the script names (its tokenizer's labels, its output matrix).
"""

import pytest
from builder.paths import ROOT
from helpers import run_script, type_script, wait_until

pytestmark = pytest.mark.browser

VARIANTS = ROOT / "tests" / "variants"
CHAPTERS = ("dataset", "autograd", "parameters", "architecture", "attention", "training", "inference")
# A tokenizer named otherwise, a micrograd-style Value, a separate EOS token, the model as classes.
PASTED = ("tokenizer_stoi_itos", "value_micrograd", "eos_token", "model_classes_gelu")
BROKEN = ("undefined", "NaN", "[object ", "Traceback", "KeyError")

# A chapter's live area once it has drawn: more than its "Waiting for Python…" line, no error line.
DRAWN = """(id) => {
    const live = document.querySelector(`[data-live="${id}"]`);
    const body = live?.querySelector('.live-body') ?? live;
    if (!body) return false;
    const only = body.children.length === 1 && body.firstElementChild.classList.contains('live-status');
    return !only && body.innerText.trim().length > 40 && body.innerText;
}"""


@pytest.mark.parametrize("name", PASTED)
def test_a_pasted_variant_draws_every_chapter(open_page, built_page, artifacts, name):
    source = (VARIANTS / f"{name}.py").read_text(encoding="utf-8")
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    type_script(page, source)
    kind, status = run_script(page, ("ok", "warn", "error"), timeout=180)
    assert kind in ("ok", "warn"), status
    info = rec.call("info")["result"]
    assert info["roles"]["missing"] == {}, info["roles"]["missing"]
    for chapter in CHAPTERS:
        page.evaluate("(id) => document.getElementById(id).scrollIntoView({behavior: 'instant'})", chapter)
        text = wait_until(page, DRAWN, chapter, timeout=120)
        page.wait_for_timeout(300)  # a late redraw lands
        text = page.evaluate(DRAWN, chapter) or text
        broken = [word for word in BROKEN if word in text]
        assert not broken, f"{name}, chapter {chapter}: {broken} in {text[:600]!r}"
        assert not page.query_selector(f"[data-live='{chapter}'] .live-status.error"), (name, chapter, text[:400])
        labels = page.evaluate("""(id) => [...document.querySelectorAll(`[data-live="${id}"] .token-label`)]
            .map((l) => l.textContent)""", chapter)
        assert "?" not in labels and "" not in labels, (name, chapter, labels)
        if chapter == "parameters":
            assert info["roles"]["output"] in text, (name, info["roles"]["output"])  # the script's own name
        if name == "value_micrograd" and chapter in ("architecture", "inference"):
            page.screenshot(path=str(artifacts / f"pasted-{name}-{chapter}.png"))
    assert not [e for e in rec.errors if "WorkerRestarted" not in e], rec.errors
