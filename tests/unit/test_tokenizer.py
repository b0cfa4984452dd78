"""`tokenize` and `vocab`: the script's own tokenizer lines, run on the page's text."""

import pytest
from _bridgecore import SCRIPT, variant


def script_ids(loaded, word):
    """The ids as the script's own expression gives them, through `eval`."""
    return eval(loaded.call("eval", code=f"[uchars.index(c) for c in {word!r}]")["repr"])


def test_ids_are_the_scripts_own(loaded):
    out = loaded.call("tokenize", text="emma")
    bos = loaded.call("info")["vocab"]["bos"]
    assert [c["id"] for c in out["chars"]] == script_ids(loaded, "emma")
    assert out["tokens"] == [bos] + script_ids(loaded, "emma") + [bos]
    assert out["doc_var"] == "doc" and out["tokens_var"] == "tokens" and out["error"] is None
    assert out["code"] == ["tokens = [BOS] + [uchars.index(ch) for ch in doc] + [BOS]",
                           "n = min(block_size, len(tokens) - 1)"]
    # The statements that ran are the training loop's own lines.
    first, last = loaded.call("info")["phases"]["train.tokens"]
    assert first <= out["lines"][0] <= out["lines"][1] <= last


def test_pairs_follow_tokens_and_all_are_kept_for_a_short_name(loaded):
    out = loaded.call("tokenize", text="ava")
    tokens = out["tokens"]
    assert out["n"] == len(tokens) - 1
    assert [(p["input"], p["target"]) for p in out["pairs"]] == list(zip(tokens[:-1], tokens[1:], strict=True))
    assert all(p["kept"] for p in out["pairs"])


def test_a_name_longer_than_block_size_drops_the_last_pairs(loaded):
    block_size = eval(loaded.call("eval", code="block_size")["repr"])
    assert loaded.call("info")["hyper"]["max_positions"] == block_size
    name = "abcdefghij" * 2
    out = loaded.call("tokenize", text=name)
    assert out["n"] == block_size
    kept = [p["pos"] for p in out["pairs"] if p["kept"]]
    dropped = [p["pos"] for p in out["pairs"] if not p["kept"]]
    assert kept == list(range(block_size))
    assert dropped == list(range(block_size, len(name) + 1))


def test_unknown_characters_are_marked_and_the_scripts_error_reported(loaded):
    out = loaded.call("tokenize", text="Zoë 2🙂a")
    chars = out["chars"]
    # Python's view: the emoji is one character (one code point), not a surrogate pair.
    assert [c["ch"] for c in chars] == ["Z", "o", "ë", " ", "2", "🙂", "a"]
    unknown = [c["ch"] for c in chars if c["id"] is None]
    assert unknown == ["Z", "ë", " ", "2", "🙂"]
    # Python's own message (3.11: "'Z' is not in list"; 3.14: "list.index(x): x not in list").
    assert chars[0]["error"].startswith("ValueError: ") and "not in list" in chars[0]["error"]
    assert out["tokens"] is None and out["pairs"] == []
    error = out["error"]
    assert error["type"] == "ValueError" and "not in list" in error["message"]
    assert error["line"] == out["lines"][0]  # the script's tokens line, not the bridge's


def test_the_scripts_variables_are_untouched(loaded):
    loaded.call("tokenize", text="emma")
    assert loaded.error("eval", code="tokens")["type"] == "NameError"


def test_follows_an_edited_tokens_line(driver):
    # Only BOS at the start: the tokens line is the script's, so the result changes with it.
    edited = SCRIPT.replace(
        "tokens = [BOS] + [uchars.index(ch) for ch in doc] + [BOS]",
        "tokens = [BOS] + [uchars.index(ch) for ch in doc]",
    )
    assert edited != SCRIPT
    driver.load(source=edited)
    out = driver.call("tokenize", text="emma")
    assert out["tokens"][-1] != out["tokens"][0] and len(out["tokens"]) == 5


def test_follows_block_size(driver):
    driver.load(source=variant(block_size=4))
    out = driver.call("tokenize", text="emma")
    assert out["n"] == 4 and [p["kept"] for p in out["pairs"]] == [True] * 4 + [False]


def test_long_text_is_cut(loaded):
    assert len(loaded.call("tokenize", text="a" * 500)["chars"]) == 64


def test_vocab_counts_every_character_of_docs(loaded):
    out = loaded.call("vocab")
    info = loaded.call("info")
    assert {k: out[k] for k in info["vocab"]} == info["vocab"]
    assert [c["ch"] for c in out["chars"]] == list("abcdefghijklmnopqrstuvwxyz")
    assert [c["id"] for c in out["chars"]] == script_ids(loaded, "abcdefghijklmnopqrstuvwxyz")
    assert out["total_chars"] == eval(loaded.call("eval", code="len(''.join(docs))")["repr"])
    counts = {c["ch"]: c["count"] for c in out["chars"]}
    assert counts["a"] == eval(loaded.call("eval", code="''.join(docs).count('a')")["repr"])
    assert sum(counts.values()) == out["total_chars"]
    assert out["longest"] and all(len(n) == info["longest_doc"] for n in out["longest"])


def test_vocab_with_a_separate_eos_and_its_own_labels(driver):
    # Two special tokens first, named by the script's own table: ['<BOS>', '<EOS>'] + chars.
    edited = SCRIPT.replace("uchars = sorted(set(''.join(docs)))\nBOS = len(uchars)\n",
                            "uchars = ['<BOS>', '<EOS>'] + sorted(set(''.join(docs)))\n"
                            "BOS, EOS = 0, 1\n")
    edited = edited.replace("for ch in doc] + [BOS]", "for ch in doc] + [EOS]")
    edited = edited.replace("vocab_size = len(uchars) + 1", "vocab_size = len(uchars)")
    assert edited.count("EOS") == 3
    info = driver.load(source=edited, dataset="ab\nba\n")
    assert info["vocab"] == {"size": 4, "bos": 0, "eos": 1, "labels": ["<BOS>", "<EOS>", "a", "b"],
                             "decoder": "uchars"}
    out = driver.call("tokenize", text="ab")
    assert out["tokens"] == [0, 2, 3, 1]


@pytest.mark.parametrize("method", ["tokenize", "vocab"])
def test_needs_a_loaded_script(driver, method):
    assert driver.error(method)["phase"] == "bridge"
