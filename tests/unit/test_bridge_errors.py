"""Errors point at the user's code, and a failure never leaves the session unusable."""

import linecache
import re

from _bridgecore import CHECK_LOSSES, SCRIPT, loss_text
from bridge import program


def insert_after(source, pattern, text):
    """Insert lines after the (single) line matching pattern, indented like it."""
    match = re.search(rf"(?m)^( *){pattern}.*\n", source)
    assert match, pattern
    indented = "".join(match.group(1) + line + "\n" for line in text.splitlines())
    return source[: match.end()] + indented + source[match.end() :]


def line_of(source, text):
    return next(i for i, line in enumerate(source.splitlines(), 1) if text in line)


def test_syntax_error_has_line_and_column(driver):
    source = SCRIPT.replace("BOS = len(uchars)", "BOS = len(uchars))")
    err = driver.error("load", source=source, dataset="ab\ncd\n")
    assert err["type"] == "SyntaxError"
    assert err["phase"] == "parse"
    assert err["line"] == line_of(source, "BOS = len(uchars))")
    assert err["col"] == len("BOS = len(uchars))")


def test_exception_in_setup_shows_only_the_script(driver):
    source = insert_after(SCRIPT, r"vocab_size = ", "oops = vocab_size / 0")
    err = driver.error("load", source=source, dataset="ab\ncd\n")
    assert err["type"] == "ZeroDivisionError"
    assert err["phase"] == "setup"
    assert err["line"] == line_of(source, "oops = vocab_size / 0")
    assert 'File "microgpt.py"' in err["traceback"]
    assert "bridge" not in err["traceback"]
    assert "oops = vocab_size / 0" in err["traceback"]  # the source line is shown


def test_a_missing_config_file_is_named_and_the_data_set_stays_where_the_script_reads_it(driver):
    # The script names the file in plain text: it is missing, not where the data set goes (the
    # data set stays in input.txt, so the script's download branch never runs).
    source = insert_after(SCRIPT, r"vocab_size = ", "settings = open('settings.json').read()")
    err = driver.error("load", source=source, dataset="ab\ncd\n")
    assert err["type"] == "FileNotFoundError" and "settings.json" in err["message"], err
    assert err["line"] == line_of(source, "open('settings.json')")


def test_a_data_file_computed_at_run_time_gets_the_data_set(driver):
    source = "name = 'na' + 'mes.dat'\ndocs = [l.strip() for l in open(name) if l.strip()]\nprint(len(docs), docs[0])\n"
    driver.load(source=source, dataset="ab\ncd\n")
    printed = "".join(payload.get("text", "") for kind, payload in driver.out if kind == "stdout")
    assert "put its data set in names.dat" in printed and "2 ab" in printed, printed


def test_failed_load_keeps_the_previous_model(loaded):
    loaded.call("step", count=2)
    before = loaded.call("params")["data"]
    loaded.error("load", source=SCRIPT.replace("n_embd = 16", "n_embd = 1 / 0"), dataset="ab\n")
    assert loaded.call("info")["step"] == 2
    assert loaded.call("params")["data"] == before
    # Tracebacks and the explorers read the kept script's lines, not the failed edit's.
    assert linecache.getlines("microgpt.py") == SCRIPT.splitlines(True)
    assert loss_text(loaded.call("step")[0]["loss"]) == loss_text(CHECK_LOSSES[3])


def test_exception_inside_a_function_gives_the_script_traceback(loaded):
    loaded.call("eval", code="docs[0] = 'ab%c'")  # a character the vocabulary lacks
    err = loaded.error("step")
    assert err["type"] == "ValueError" and err["phase"] == "train"
    assert err["line"] == line_of(SCRIPT, "tokens = [BOS] + [uchars.index(ch)")
    assert "bridge" not in err["traceback"]


def test_failing_update_is_rolled_back_and_the_next_step_works(driver):
    # Raise halfway through the Adam loop of step 3: half the params are already changed.
    source = insert_after(SCRIPT, r"num_steps = ", "FAIL_AT = 2")
    source = re.sub(
        r"(?m)^( +)p\.grad = 0.*$",
        r"\1if step == FAIL_AT and i == 2000:\n\1    raise RuntimeError('boom')\n\g<0>",
        source,
    )
    driver.load(source=source)
    driver.call("step", count=2)
    good = driver.call("params")
    err = driver.error("step")
    assert err["type"] == "RuntimeError" and err["message"] == "boom"
    assert err["line"] == line_of(source, "raise RuntimeError('boom')")
    assert driver.call("info")["step"] == 2
    assert driver.call("params") == good  # data, grads, m, v all as after step 2
    assert driver.call("sample", seed=1)["text"] is not None  # the session still works
    driver.call("eval", code="FAIL_AT = -1")
    records = driver.call("step", count=2)
    assert [r["step"] for r in records] == [3, 4]
    assert [loss_text(r["loss"]) for r in records] == [
        loss_text(CHECK_LOSSES[3]),
        loss_text(CHECK_LOSSES[4]),
    ]


def test_bad_doc_mid_training_then_fixed(loaded):
    loaded.call("step", count=2)
    loaded.call("eval", code="saved = docs[2]; docs[2] = 'x\\u00e9'")
    err = loaded.error("step")
    assert err["type"] == "ValueError"
    loaded.call("eval", code="docs[2] = saved")
    assert loss_text(loaded.call("step")[0]["loss"]) == loss_text(CHECK_LOSSES[3])


def test_error_while_sampling(loaded):
    err = loaded.error("sample", temperature=0)
    assert err["type"] == "ZeroDivisionError" and err["phase"] == "sample"
    # The innermost frame is Value.__truediv__; the sampling line is in the traceback above it.
    assert err["line"] == line_of(SCRIPT, "def __truediv__")
    assert f'line {line_of(SCRIPT, "l / temperature")}' in err["traceback"]
    assert loaded.call("eval", code="temperature") == {"repr": "0.5"}  # put back
    assert loaded.call("sample", seed=3)["text"] is not None


def test_eval_errors_point_into_the_eval_code(loaded):
    err = loaded.error("eval", code="a = 1\nb = undefined_name")
    assert err["type"] == "NameError" and err["line"] == 2
    err = loaded.error("eval", code="1 +")
    assert err["type"] == "SyntaxError" and err["line"] == 1


def test_script_without_training_loop_still_runs(driver):
    info = driver.load(source="print('hello')\nwords = open('input.txt').read().split()\n"
                       "print(len(words))\n", dataset="ab\ncd\n")
    assert driver.printed("run") == "hello\n2\n"
    missing = info["roles"]["missing"]
    # Every role is found from the training loop: without one, each says what was looked for.
    assert set(missing) == {"training", "documents", "model", "tokenizer", "params", "sample"}
    assert missing["training"].startswith("no training loop: looked for a `for` loop")
    assert info["missing"] == list(missing.values())
    assert info["step"] == 0 and info["vocab"] is None and info["params"]["count"] == 0
    err = driver.error("step")
    assert err["message"] == missing["training"] and err["phase"] == "bridge"
    assert driver.error("sample")["message"] == missing["sample"]
    assert "no sampling loop" in missing["sample"]
    assert driver.call("eval", code="words") == {"repr": "['ab', 'cd']"}


def test_microgpt_without_its_training_loop_runs_to_the_end(driver):
    loop = program.parse(SCRIPT, "microgpt.py").train.node
    kept = SCRIPT.splitlines(True)
    source = "".join(kept[: loop.lineno - 1] + kept[loop.end_lineno:])
    info = driver.load(source=source, dataset="ab\nabc\nbca\n")
    assert info["missing"][0].startswith("no training loop")
    assert all("there is no training loop to start from" in m for m in info["missing"][1:])
    printed = driver.printed("run")
    assert "--- inference ---" in printed and "sample 20:" in printed


def test_handle_never_raises(driver):
    assert driver.session.handle("nope", {})["ok"] is False
    assert driver.session.handle("info", "not an object")["ok"] is False
    assert driver.session.handle("step", {})["error"]["message"].startswith("no script loaded")
    assert driver.raw("step", bogus=1)["ok"] is False
