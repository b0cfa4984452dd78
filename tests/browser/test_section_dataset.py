"""Chapter 1, Dataset & Tokenizer: the script's docs, vocabulary and tokenizer, live."""

import ast

import pytest
from helpers import open_code_panel
from helpers import wait_until as poll

pytestmark = pytest.mark.browser

SECTION = '[data-live="dataset"]'
INPUT = "#tokenize-input"


def py_eval(rec, code):
    answer = rec.call("eval", {"code": code})
    assert answer["ok"], answer
    return ast.literal_eval(answer["result"]["repr"])


MARKED = "() => [...document.querySelectorAll('#dataset .code-line.marked')].map((l) => Number(l.dataset.line))"
HELP = "() => [...document.querySelectorAll('#dataset .help-marker')].map((b) => b.getAttribute('aria-label'))"

CHIPS = """(row) => [...document.querySelectorAll(`.token-row.${row} .token-chip`)].map((c) =>
    ({label: c.querySelector('.token-label').textContent, id: c.dataset.id ?? null, kind: c.dataset.kind}))"""


def chips(page, row):
    return page.evaluate(CHIPS, row)


SHOWS = """(text) => {
    const shown = [...document.querySelectorAll('.token-row.chars .token-label')].map((l) => l.textContent);
    return shown.join('') === [...text].map((c) => (c === ' ' ? '␣' : c)).join('');
}"""


def type_name(page, text):
    # First a different text, shown: the section starts with a name already typed, and waiting
    # for `text` must not be satisfied by what was there before.
    page.fill(INPUT, "qx")
    poll(page, SHOWS, "qx")
    page.fill(INPUT, "")
    page.type(INPUT, text, delay=15)
    # The row shows one chip per Python character of the text once its answer has arrived.
    poll(page, SHOWS, text)


@pytest.fixture
def ready(open_page, built_page):
    rec = open_page(built_page.as_uri())
    info = rec.wait_ready()
    poll(rec.page, "() => document.querySelectorAll('.vocab-table td').length > 0 && !!document.querySelector('.pair')")
    rec.page.locator("#dataset").scroll_into_view_if_needed()
    return rec, info


def test_typing_a_name_shows_the_scripts_ids(ready, artifacts):
    rec, info = ready
    page = rec.page
    type_name(page, "emma")
    expected = py_eval(rec, "[uchars.index(c) for c in 'emma']")
    assert [int(c["id"]) for c in chips(page, "chars")] == expected
    bos = info["vocab"]["bos"]
    tokens = chips(page, "tokens")
    assert [int(c["id"]) for c in tokens] == [bos, *expected, bos]
    assert tokens[0]["kind"] == tokens[-1]["kind"] == "bos"
    assert tokens[0]["label"] == info["vocab"]["labels"][bos]
    assert page.text_content(".tokens-literal").startswith(f"tokens = [{bos}, ")
    assert "both ends" in page.text_content(".bos-note")
    # The tokenizing lines shown are the script's own, as the bridge read them from its loop.
    answer = rec.call("tokenize", {"text": "emma"})["result"]
    shown = page.evaluate(
        "() => [...document.querySelectorAll('.tokenize-line .script-line')].map((l) => l.textContent)"
    )
    assert shown == answer["code"] and "uchars.index(ch)" in shown[0]
    assert "doc = 'emma'" in page.text_content(".tokenize-line")
    # The pairs: tokens[pos] -> tokens[pos + 1], all kept for a short name.
    pairs = page.evaluate("""() => [...document.querySelectorAll('.pair')].map((p) =>
        [...p.querySelectorAll('.token-chip')].map((c) => Number(c.dataset.id)).concat(p.dataset.kept))""")
    ids = [bos, *expected, bos]
    assert pairs == [[ids[i], ids[i + 1], "true"] for i in range(len(ids) - 1)]
    # Typing more updates the same panel.
    type_name(page, "emmanuel")
    assert [int(c["id"]) for c in chips(page, "chars")] == py_eval(rec, "[uchars.index(c) for c in 'emmanuel']")
    assert rec.errors == []
    page.locator(".dataset-tokenize").screenshot(path=str(artifacts / "dataset-tokenize.png"))


def test_unknown_characters_are_flagged_not_crashed(ready, artifacts):
    rec, info = ready
    page = rec.page
    type_name(page, "Zoë 🙂a")
    shown = chips(page, "chars")
    # Python's view of the string: the emoji is one character, not two halves.
    assert [c["label"] for c in shown] == ["Z", "o", "ë", "␣", "🙂", "a"]
    assert [c["kind"] for c in shown] == ["unknown", "char", "unknown", "unknown", "unknown", "char"]
    note = page.text_content(".token-error")
    assert page.is_visible(".token-error")
    # The script's own error, word for word: uchars.index raises ValueError for 'Z' (its message
    # is Python's: "'Z' is not in list" before 3.14, "list.index(x): x not in list" since).
    error = rec.call("tokenize", {"text": "Z"})["result"]["error"]
    assert error["type"] == "ValueError"
    assert "Not in the vocabulary" in note and f"ValueError: {error['message']}" in note
    link = rec.page.evaluate("() => document.querySelector('.token-error .code-link')?.textContent")
    line = int(link.removeprefix("line "))
    first, last = info["phases"]["train.tokens"]
    assert first <= line <= last and f"at line {line}" in note
    assert page.text_content(".pairs").startswith("No pairs")
    assert rec.errors == []
    page.locator(".dataset-tokenize").screenshot(path=str(artifacts / "dataset-tokenize-unknown.png"))
    # The error's line link opens the code panel on the script's own tokens line.
    page.click(".token-error .code-link")
    assert page.evaluate(MARKED) == [line]


def test_an_accented_capital_gets_the_scripts_own_error(ready):
    rec, _ = ready
    page = rec.page
    type_name(page, "É")
    assert chips(page, "chars") == [{"label": "É", "id": None, "kind": "unknown"}]
    note = page.text_content(".token-error")
    error = rec.call("tokenize", {"text": "É"})["result"]["chars"][0]["error"]
    assert error.startswith("ValueError: ") and error in note
    assert page.text_content(".token-row.tokens").startswith("none:")
    assert rec.errors == []


def test_a_name_longer_than_the_context_drops_pairs(ready, artifacts):
    rec, info = ready
    page = rec.page
    name = "maximilianalexander"
    type_name(page, name)
    positions = info["hyper"]["max_positions"]
    assert positions == py_eval(rec, "block_size")
    kept = page.evaluate("() => [...document.querySelectorAll('.pair')].map((p) => p.dataset.kept === 'true')")
    assert kept == [True] * positions + [False] * (len(name) + 1 - positions)
    assert f"visits {positions} positions" in page.text_content(".pairs-formula")
    assert "dropped" in page.text_content(".pairs-summary")
    page.locator(".dataset-tokenize").screenshot(path=str(artifacts / "dataset-tokenize-long.png"))


def test_ten_more_shows_the_next_docs(ready):
    rec, info = ready
    page = rec.page
    names = "() => [...document.querySelectorAll('.name-list .name-chip')].map((b) => b.textContent)"
    assert page.evaluate(names) == info["docs_head"][:10]
    page.click(".more-docs")
    expected = rec.call("docs", {"start": 10, "count": 10})["result"]
    poll(page, f"() => ({names})()[0] === {expected[0]!r}")
    assert page.evaluate(names) == expected
    assert "docs[10:20]" in page.text_content(".dataset-sample")
    assert page.text_content(".dataset-sample .docs-name") == info["roles"]["documents"] == "docs"
    # A name tokenizes when clicked.
    page.click(".name-list .name-chip >> nth=0")
    poll(page, "(v) => document.querySelector('#tokenize-input').value === v", expected[0])


def test_code_panel_highlights_the_tokenizer_lines_from_the_ast(ready):
    rec, info = ready
    page = rec.page
    phases = info["phases"]
    expected = [n for name in ("dataset", "tokenizer", "train.tokens")
                for n in range(phases[name][0], phases[name][1] + 1)]
    open_code_panel(page, "#dataset")
    assert page.evaluate(MARKED) == expected
    source = py_eval(rec, "__source__").split("\n")
    # The lines that make the documents list are marked, not only the lines that name things.
    docs = info["roles"]["documents"]
    making = [n for n, text in enumerate(source, 1) if text.startswith(f"{docs} = ")]
    assert making and set(making) <= set(page.evaluate(MARKED)), making
    first, last = phases["tokenizer"]
    assert "uchars" in "".join(source[first - 1 : last])
    # A card's code link highlights just its part.
    page.click(".dataset-vocab .code-link")
    assert page.evaluate(MARKED) == list(range(first, last + 1))
    assert page.is_visible("#dataset .code-line.marked")


def test_vocabulary_table_follows_info_vocab(ready):
    rec, info = ready
    page = rec.page
    vocab = info["vocab"]
    cells = page.evaluate("""() => [...document.querySelectorAll('.vocab-chars td')].map((c) =>
        ({label: c.textContent, kind: c.dataset.kind, id: Number(c.dataset.id)}))""")
    assert [c["id"] for c in cells] == list(range(vocab["size"]))
    assert [c["label"] for c in cells] == vocab["labels"]
    assert [c["id"] for c in cells if c["kind"] != "char"] == [vocab["bos"]]
    intro = page.text_content(".dataset-vocab .live-card-note")
    assert f"{vocab['decoder']}[id]" in intro and f"BOS = {vocab['bos']}" in intro
    facts = page.evaluate("() => [...document.querySelectorAll('.dataset-facts dt')].map((d) => d.textContent)")
    assert any(f.startswith("BOS id") for f in facts) and not any(f.startswith("EOS id") for f in facts)


def test_jargon_has_help_markers(ready):
    page = ready[0].page
    labels = page.evaluate(HELP)
    for term in ("token", "BOS", "vocabulary", "block_size"):
        assert f"What is {term}?" in labels
    page.focus('#dataset .help-marker[aria-label="What is block_size?"]')
    assert "block_size" in page.text_content(".tooltip")


def test_screenshots_of_the_section(ready, artifacts):
    rec, _ = ready
    page = rec.page
    page.evaluate("() => document.getElementById('dataset').scrollIntoView({behavior: 'instant'})")
    page.wait_for_timeout(200)
    page.screenshot(path=str(artifacts / "dataset-1440x900.png"))
    page.evaluate("() => window.scrollBy(0, 800)")
    page.wait_for_timeout(200)
    page.screenshot(path=str(artifacts / "dataset-1440x900-2.png"))
    page.locator("#dataset").screenshot(path=str(artifacts / "dataset-section.png"))
    assert rec.errors == []
