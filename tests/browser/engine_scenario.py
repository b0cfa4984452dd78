"""The cross-engine scenario's plan and expectations, shared by the three drivers of
test_engines.py. The steps themselves run in the page (engines/scenario.js); this module says
which steps run, in which order and with what arguments, and what each engine must have shown.

Every expected number is the default script's own: the step-1 loss is what `python microgpt.py`
prints first, and the parameter counts are len(params) of the default and the edited script."""

import base64
import json
import re
from pathlib import Path

from png_check import assert_drawn

# The file is one expression (an async arrow function); the formatter ends it with ";".
SCENARIO = (Path(__file__).parent / "engines" / "scenario.js").read_text(encoding="utf-8").strip().rstrip(";")
BOOT_TIMEOUT_S = 180  # WebKitGTK booted in 102 s on this 2-core VM at a load average of 30
STEP_TIMEOUT_S = 90  # one step on a loaded 2-core machine is seconds; this only bounds a hang

# n_embd 16 -> 32 and n_head 4 -> 8 with the default n_layer = 1, vocab_size 27, block_size 16:
# wte + lm_head 2*27*32, wpe 16*32, attention 4*32*32, MLP 2*32*(4*32) = 14,528 (default 4,192).
EDIT = {"n_embd": "32", "n_head": "8"}
PARAMS_BEFORE, PARAMS_AFTER = 4192, 14528
FIRST_LOSS = "3.3660"

# (step, args). The order is a learner's: the glossary from the chapter list, train, Stop an
# endless call (the trained step is kept), sample, step
# through, edit, a module of the lazy stdlib; offline last, as its probe is the one request the page
# is meant to refuse.
PLAN = [
    ("ready", {"bootTimeoutMs": BOOT_TIMEOUT_S * 1000}),
    ("glossaryLink", {"pollMs": 100}),
    ("train", {}),
    ("stop", {}),
    ("sample", {}),
    ("forward", {}),
    ("share", {}),
    ("edit", {"fields": EDIT}),
    ("lazyStdlib", {}),
    ("offline", {}),
]
# The file "share" made, opened in the same engine (issue 24, "Share").
OPENED_PLAN = [("ready", {"bootTimeoutMs": BOOT_TIMEOUT_S * 1000}), ("opened", {})]
for _, _args in PLAN + OPENED_PLAN:
    _args.setdefault("timeoutMs", STEP_TIMEOUT_S * 1000)
# A driver's own wait for one step: the page's deadline plus room for the driver.
DRIVER_TIMEOUT_S = BOOT_TIMEOUT_S + 30
# After which steps a driver saves a screenshot (test-artifacts/engine-<engine>-<step>.png).
SCREENSHOT_AFTER = ("train", "sample", "forward", "edit")

# For drivers that call a function with (step, args): Playwright and Selenium.
CALL_JS = f"(a) => ({SCENARIO})(a.step, a.args)"


def selenium_script() -> str:
    """The scenario for Selenium's execute_async_script(script, step, args)."""
    return (
        "const done = arguments[arguments.length - 1];"
        f"({SCENARIO})(arguments[0], arguments[1]).then(done, (e) => done({{ok: false, error: String(e)}}));"
    )


def plan_json(plan=None) -> str:
    return json.dumps({"plan": plan or PLAN, "screenshots": SCREENSHOT_AFTER})


def write_shared_copy(built_page: Path, share: dict, out: Path) -> Path:
    """The file the engine's "Download guide" made, for the blocks it writes (the runs and the
    script they open on): the built page with those blocks' bytes as the engine wrote them."""
    page = built_page.read_bytes()
    for name, text in share["blocks"].items():
        opening = re.search(rb'<script [^>]*data-embedded="' + name.encode() + rb'"[^>]*>', page)
        end = page.index(b"</script>", opening.end())
        page = page[:opening.end()] + base64.b64decode(text) + page[end:]
    out.write_bytes(page)
    return out


def check_shared(engine: str, share: dict, opened: dict) -> None:
    """The copy opened on the run the page had: its step, its losses, a seeded sample."""
    assert share.get("ok") and opened.get("ok"), (share.get("error"), opened.get("error"))
    assert share["listed"]["ticked"] and f"{share['step']} step" in share["listed"]["text"], share["listed"]
    assert share["blocks"]["runs"], f"{engine}: the file carries no runs"
    for key in ("step", "losses", "sample"):
        assert opened[key] == share[key], f"{engine}: {key} {opened[key]!r} != {share[key]!r}"
    assert opened["console"], f"{engine}: the copy did not say which run it opened on"


def check_screenshots(engine: str, artifacts) -> None:
    """Each screenshot shows a drawn page: an engine can pass every DOM check and paint nothing
    (Firefox once collapsed every chapter it had not drawn yet)."""
    for step in SCREENSHOT_AFTER:
        assert_drawn(artifacts / f"engine-{engine}-{step}.png")


def check(engine: str, results: dict) -> None:
    """Every step of PLAN ran and showed what the default script must show, in `engine`."""
    for step, _ in PLAN:
        result = results.get(step)
        assert result is not None, f"{engine}: step {step!r} did not run: {results}"
        assert result.get("ok"), f"{engine}: step {step!r} failed: {result.get('error')}"

    ready = results["ready"]
    assert ready["state"] == "ready" and ready["platform"] == "'emscripten'", ready

    # The link's smooth scroll crossed chapters not drawn yet and still landed (js/ui/link-landing.js).
    link = results["glossaryLink"]
    assert abs(link["off"]) <= 3, link

    train = results["train"]
    assert 0 <= train["landed"] <= 100, train  # the sidebar's link target: the chapter at the window's top
    assert train["loss"] == FIRST_LOSS, train
    assert f"loss {float(FIRST_LOSS):.4g}" in train["heading"], train  # the chapter's own line
    assert any(f"loss {FIRST_LOSS}" in line for line in train["printed"]), train  # the script's print
    assert train["progress"].startswith("step 1 / 1000"), train
    # Scroll anchoring (native, or js/ui/scroll-anchor.js in WebKit) kept the chapter in place.
    assert abs(train["moved"]) <= 8, train

    stop = results["stop"]  # the step trained just before survives the worker's restart
    assert stop["stepBefore"] == 1 and stop["step"] == 1 and stop["stoppedAt"] == 1, stop
    assert stop["endless"] == "WorkerRestarted" and stop["state"] == "ready" and stop["console"], stop

    sample = results["sample"]
    assert sample["seed"] != sample["seedBefore"], sample
    assert re.fullmatch(r"[a-z]+", sample["name"]), sample

    seen = results["forward"]["seen"]
    counters = [s["counter"] for s in seen]
    total = counters[0].split(" / ")[-1]
    assert counters == [f"step {i} / {total}" for i in range(1, 5)], counters
    assert int(total) > 4 and len({s["block"] for s in seen}) > 1, seen

    edit = results["edit"]
    assert edit["fieldsBefore"] in ({"n_embd": "16", "n_head": "4"}, EDIT), edit
    assert edit["totalBefore"] == PARAMS_BEFORE, edit
    assert edit["status"][0] == "ok" and f"{PARAMS_AFTER:,} parameters" in edit["status"][1], edit
    assert edit["total"] == PARAMS_AFTER and edit["shownTotal"] == str(PARAMS_AFTER), edit
    # The fields rewrote the script in CodeMirror, and Run ran that text.
    assert edit["editor"] and edit["modified"] == "true", edit
    assert edit["ran"] == f"[{', '.join(EDIT.values())}]", edit

    # A module of the lazy stdlib zip imports, from that zip.
    assert results["lazyStdlib"]["repr"] == "('/lib/python314-lazy.zip/email/message.pyc', 42)", results["lazyStdlib"]

    offline = results["offline"]
    assert "default-src 'none'" in offline["policy"], offline
    assert offline["loaded"] == [], offline
    assert offline["fetched"] == "refused", offline
    assert any(v.startswith("connect-src") for v in offline["violations"]), offline
    assert offline["errors"] == [], f"{engine}: the page recorded errors: {offline['errors']}"


def timings(results: dict) -> dict:
    """Boot and per-step times (ms, the page's own clock) for the report."""
    ready = results.get("ready") or {}
    return {
        "bootMs": ready.get("bootMs"),
        "stages": dict(ready.get("stages") or []),
        "stepsMs": {step: (results.get(step) or {}).get("ms") for step, _ in PLAN},
        # scrollIntoView calls it took to keep "Train 1 step" on screen (1 = the layout held).
        "trainScrollTries": (results.get("train") or {}).get("scrollTries"),
    }
