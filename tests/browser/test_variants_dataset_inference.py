"""Chapters 1 and 7 follow any script of microgpt's shape (tests/variants/): the vocabulary's
labels and special tokens, the tokenizer's own lines and errors, the documents' own name, the
positions the loop visits, the sampling temperature (or its absence) and a script that does not
sample at all. Each page is built around its variant, as a learner's edited script would be.

The pages are built side by side once per session (about a minute each); VARIANT_PAGES=<dir>
reuses pages already built there as <name>.html."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from builder.paths import DEFAULT_DATASET, DEFAULT_SCRIPT
from helpers import wait_until as poll

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
VARIANTS = ROOT / "tests" / "variants"
INPUT = "#tokenize-input"
# name -> (script, data set); "no_temperature" is microgpt.py sampling from its plain scores.
PAGES = {
    "eos_token": (VARIANTS / "eos_token.py", DEFAULT_DATASET),
    "tokenizer_stoi_itos": (VARIANTS / "tokenizer_stoi_itos.py", DEFAULT_DATASET),
    "accents_dataset": (VARIANTS / "accents_dataset.py", VARIANTS / "data" / "accents.txt"),
    "train_only": (VARIANTS / "train_only.py", DEFAULT_DATASET),
    "relu2_cosine_block8": (VARIANTS / "relu2_cosine_block8.py", DEFAULT_DATASET),
    "topk_validation": (VARIANTS / "topk_validation.py", DEFAULT_DATASET),
    "no_temperature": (None, DEFAULT_DATASET),
}
SCALED = "softmax([l / temperature for l in logits])"

CHIPS = """(row) => [...document.querySelectorAll(`.token-row.${row} .token-chip`)].map((c) =>
    ({label: c.querySelector('.token-label').textContent, kind: c.dataset.kind,
      id: c.dataset.id == null ? null : Number(c.dataset.id)}))"""
SHOWS = """(text) => {
    const shown = [...document.querySelectorAll('.token-row.chars .token-label')].map((l) => l.textContent);
    return shown.join('') === [...text].map((c) => (c === ' ' ? '␣' : c)).join('');
}"""
DATASET_DRAWN = "() => document.querySelectorAll('.vocab-table td').length > 0 && !!document.querySelector('.pair')"
INFERENCE_DRAWN = """() => document.querySelector('#inference .inf-row')?.dataset.state === 'done'
    || !!document.querySelector('#inference .inf-missing-sentence')"""
VOCAB_CELLS = """() => [...document.querySelectorAll('.vocab-chars td')].map((c) =>
    ({label: c.textContent, kind: c.dataset.kind, id: Number(c.dataset.id)}))"""


def _no_temperature_script(folder: Path) -> Path:
    source = DEFAULT_SCRIPT.read_text(encoding="utf-8")
    assert source.count(SCALED) == 1
    script = folder / "microgpt.py"
    script.write_text(source.replace(SCALED, "softmax(logits)"), encoding="utf-8")
    return script


@pytest.fixture(scope="session")
def variant_pages(tmp_path_factory) -> dict:
    reuse = os.environ.get("VARIANT_PAGES")
    folder = Path(reuse) if reuse else tmp_path_factory.mktemp("variant-pages")
    pages = {name: folder / f"{name}.html" for name in PAGES}
    todo = [name for name, page in pages.items() if not page.exists()]

    def build(name):
        script, dataset = PAGES[name]
        script = script or _no_temperature_script(tmp_path_factory.mktemp(name))
        command = [
            sys.executable,
            "-m",
            "builder.build",
            "--script",
            str(script),
            "--dataset",
            str(dataset),
            "--out",
            str(pages[name]),
        ]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "py")}
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"{name}: {done.stdout}\n{done.stderr}"

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(build, todo))
    return pages


@pytest.fixture
def open_variant(open_page, variant_pages):
    def _open(name):
        rec = open_page(variant_pages[name].as_uri())
        info = rec.wait_ready()
        poll(rec.page, DATASET_DRAWN)
        poll(rec.page, INFERENCE_DRAWN)
        return rec, info

    return _open


def type_text(page, text):
    page.fill(INPUT, "qx")
    poll(page, SHOWS, "qx")
    page.fill(INPUT, text)
    poll(page, SHOWS, text)


def chips(page, row):
    return page.evaluate(CHIPS, row)


def test_a_separate_eos_is_shown_as_special_everywhere(open_variant, artifacts):
    rec, info = open_variant("eos_token")
    page = rec.page
    vocab = info["vocab"]
    bos, eos, labels = vocab["bos"], vocab["eos"], vocab["labels"]
    assert eos is not None and eos != bos
    # The vocabulary table: both special tokens, with the script's own labels.
    cells = page.evaluate(VOCAB_CELLS)
    assert [c["label"] for c in cells] == labels
    assert {c["id"]: c["kind"] for c in cells if c["kind"] != "char"} == {bos: "bos", eos: "eos"}
    assert f"{labels[bos]} = {bos}" in page.text_content(".dataset-vocab .live-card-note")
    facts = page.evaluate("() => [...document.querySelectorAll('.dataset-facts dt')].map((d) => d.textContent)")
    assert any(f.startswith("EOS id") for f in facts)
    # Tokenize: the script's own tokens, from <BOS> to <EOS>.
    type_text(page, "emma")
    answer = rec.call("tokenize", {"text": "emma"})["result"]
    tokens = chips(page, "tokens")
    assert [c["id"] for c in tokens] == answer["tokens"]
    assert (tokens[0]["kind"], tokens[-1]["kind"]) == ("bos", "eos")
    assert (tokens[0]["label"], tokens[-1]["label"]) == (labels[bos], labels[eos])
    note = page.text_content(".bos-note")
    assert labels[bos] in note and labels[eos] in note and "ends it" in note
    assert (
        page.evaluate(
            "() => [...document.querySelectorAll('.pair')].at(-1).querySelectorAll('.token-chip')[1].dataset.kind"
        )
        == "eos"
    )
    # Inference: sampling starts from BOS; a sample that drew EOS says so by the script's label.
    start = page.evaluate("() => document.querySelector('#inference .inf-start .token-label').textContent")
    assert start == labels[bos]
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('#inference .inf-step')].map((s) => Number(s.dataset.token))"
    )
    if drawn[-1] in (bos, eos):
        assert f"the model drew {labels[drawn[-1]]}" in page.text_content("#inference .inf-status")
    kinds = page.evaluate("""() => [...document.querySelectorAll('#inference .inf-full .pb-row')]
        .filter((r) => r.classList.contains('is-special')).map((r) => [Number(r.dataset.token), r.dataset.kind])""")
    assert kinds == [[bos, "bos"], [eos, "eos"]]
    assert rec.errors == []
    page.locator("#dataset").screenshot(path=str(artifacts / "variant-eos-dataset.png"))
    page.locator("#inference").screenshot(path=str(artifacts / "variant-eos-inference.png"))


def test_a_stoi_tokenizer_shows_its_own_lines_and_key_error(open_variant):
    rec, info = open_variant("tokenizer_stoi_itos")
    page = rec.page
    code = page.evaluate(
        "() => [...document.querySelectorAll('.tokenize-line .script-line')].map((l) => l.textContent)"
    )
    assert code == rec.call("tokenize", {"text": "emma"})["result"]["code"]
    assert "stoi[ch]" in code[0] and "uchars" not in page.text_content("[data-live='dataset']")
    decoder = info["vocab"]["decoder"]
    assert decoder and f"{decoder}[id]" in page.text_content(".dataset-vocab .live-card-note")
    type_text(page, "Zoë")
    assert [c["kind"] for c in chips(page, "chars")] == ["unknown", "char", "unknown"]
    note = page.text_content(".token-error")
    assert "KeyError: 'Z'" in note and "Not in the vocabulary" in note
    assert page.text_content(".pairs").startswith("No pairs")
    assert rec.errors == []


def test_an_accented_data_set_tokenizes_accents_and_refuses_an_emoji(open_variant, artifacts):
    rec, info = open_variant("accents_dataset")
    page = rec.page
    labels = info["vocab"]["labels"]
    type_text(page, "Zoë É🙂a")
    shown = chips(page, "chars")
    assert [c["kind"] for c in shown] == ["char", "char", "char", "char", "char", "unknown", "char"]
    assert [c["id"] for c in shown if c["kind"] == "char"] == [labels.index(ch) for ch in "Zoë Éa"]
    error = rec.call("tokenize", {"text": "🙂"})["result"]["chars"][0]["error"]
    assert error.startswith("ValueError: ") and error in page.text_content(".token-error")
    # 122 ids: the table scrolls sideways rather than squeezing its columns.
    assert len(page.evaluate(VOCAB_CELLS)) == info["vocab"]["size"] > 100
    assert page.evaluate(
        "() => { const s = document.querySelector('.vocab-scroll'); return s.scrollWidth > s.clientWidth; }"
    )
    # A long vocabulary's distribution: the 30 most likely first, all of them on demand.
    rows = "() => document.querySelectorAll('#inference .inf-full .pb-row').length"
    assert page.evaluate(rows) == 30
    page.click("#inference .inf-all")
    poll(page, f"() => ({rows})() === {info['vocab']['size']}")
    assert rec.errors == []
    page.locator("#dataset .dataset-tokenize").screenshot(path=str(artifacts / "variant-accents-tokenize.png"))


def test_a_script_without_sampling_says_what_was_looked_for(open_variant, artifacts):
    rec, info = open_variant("train_only")
    page = rec.page
    sentence = info["roles"]["missing"]["sample"]
    assert info["roles"]["sampling"] is None and info["hyper"]["temperature"] is None
    said = page.text_content("#inference .inf-missing-sentence")
    assert said == f"{sentence[0].upper()}{sentence[1:]}."
    assert page.query_selector("#inf-temperature") is None or not page.is_visible("#inf-temperature")
    text = page.text_content("[data-live='inference']")
    assert "undefined" not in text and "null" not in text
    # Chapter 1 is unaffected: the training loop still tokenizes.
    assert [c["kind"] for c in chips(page, "tokens")][0] == "bos"
    assert rec.errors == []
    page.locator("#inference").screenshot(path=str(artifacts / "variant-train-only-inference.png"))


def test_a_loop_that_cuts_nothing_keeps_every_pair(open_variant):
    rec, info = open_variant("relu2_cosine_block8")
    page = rec.page
    name = "maximilianalexander"
    type_text(page, name)
    answer = rec.call("tokenize", {"text": name})["result"]
    assert answer["n"] == len(name) + 1
    kept = page.evaluate("() => [...document.querySelectorAll('.pair')].map((p) => p.dataset.kept === 'true')")
    assert kept == [True] * (len(name) + 1)
    assert f"visits {answer['n']} positions" in page.text_content(".pairs-formula")
    assert "dropped" not in page.text_content(".pairs-summary")
    facts = page.evaluate("() => [...document.querySelectorAll('.dataset-facts dd')].map((d) => d.textContent)")
    assert str(info["hyper"]["max_positions"]) in facts
    assert rec.errors == []


def test_the_documents_are_named_as_the_script_names_them(open_variant):
    rec, info = open_variant("topk_validation")
    page = rec.page
    name = info["roles"]["documents"]
    assert name == "train_docs"
    assert page.text_content(".dataset-sample .docs-name") == name
    assert f"{name}[0:10]" in page.text_content(".dataset-sample")
    names = page.evaluate("() => [...document.querySelectorAll('.name-list .name-chip')].map((b) => b.textContent)")
    assert names == info["docs_head"][:10]
    # Top-k sampling: the bars are the bridge's distribution over every token, zeros outside the k kept.
    probs = page.evaluate(
        "() => [...document.querySelectorAll('#inference .inf-full .pb-row')].map((r) => Number(r.dataset.p))"
    )
    assert len(probs) == info["vocab"]["size"] and 0 < sum(p > 0 for p in probs) < len(probs)
    assert rec.errors == []


def test_sampling_without_a_temperature_turns_the_slider_off(open_variant):
    rec, info = open_variant("no_temperature")
    page = rec.page
    assert info["hyper"]["temperature"] is None and info["roles"]["sampling"]["temperature"] is None
    assert page.is_disabled("#inf-temperature")
    assert "divides its scores by no temperature" in page.text_content(".inf-no-temp")
    assert "temperature =" not in page.text_content("#inference .inf-detail-head")
    # The sample is still the script's own: the same draw as the bridge's, at no temperature.
    answer = page.evaluate(
        "async () => (await window.microgptGuide.call('sample', {temperature: null, seed: 1000})).text"
    )
    assert page.text_content("#inference .inf-text strong") == answer
    assert rec.errors == []
