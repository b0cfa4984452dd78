"""Chapter 4, the GPT architecture: the block diagram follows the script's sizes, and stepping
through one traced gpt() call lights every block in order with the line that ran and the
numbers the bridge's own trace recorded."""


import pytest
from helpers import wait_until

pytestmark = pytest.mark.browser

LIVE = '[data-live="architecture"] .arch-live'

# Everything one step shows, read from the page.
READ_STEP = """(sel) => {
  const live = document.querySelector(sel);
  const cells = (node) => [...node.querySelectorAll('.vc-cell')].map((c) => Number(c.dataset.value));
  const vars = {};
  for (const node of live.querySelectorAll('.arch-values [data-var]')) {
    const after = node.querySelector('.vc.after') ?? node;
    const before = node.querySelector('.vc.before');
    vars[node.dataset.var] = {after: cells(after), before: before ? cells(before) : null,
                              rows: node.querySelectorAll('.vc-row').length};
  }
  return {
    step: Number(live.dataset.step), steps: Number(live.dataset.steps), block: live.dataset.block,
    event: Number(live.dataset.event), line: Number(live.dataset.line),
    active: [...live.querySelectorAll('.arch-svg .active')].map((g) => g.dataset.block),
    marked: [...live.querySelectorAll('.code-line.marked')].map((l) => Number(l.dataset.line)),
    cache: [...live.querySelectorAll('.arch-kv-row')].map((r) => Number(r.dataset.count)),
    vars,
  };
}"""

# Every block of the diagram with where it is drawn, top to bottom then left to right.
READ_BLOCKS = """(sel) => [...document.querySelectorAll(sel + ' .arch-svg [data-block]')].map((g) => {
  const b = g.getBBox(); return [g.dataset.block, Math.round(b.y), Math.round(b.x)]; })"""


# The lit block lies within the diagram's own scroll box (which the diagram scrolls to it).
ACTIVE_SHOWN = """(sel) => {
  const view = document.querySelector(sel + ' .arch-diagram');
  const box = view.querySelector('.arch-svg .active').getBoundingClientRect();
  const frame = view.getBoundingClientRect();
  return {scrolls: view.scrollHeight > view.clientHeight + 1,
          shown: box.top >= frame.top - 1 && box.bottom <= frame.bottom + 1};
}"""


def open_section(open_page, url):
    rec = open_page(url)
    info = rec.wait_ready()
    page = rec.page
    wait_until(page, "(sel) => document.querySelector(sel)?.dataset.steps", LIVE)
    page.evaluate("() => document.getElementById('architecture').scrollIntoView({behavior: 'instant'})")
    return rec, info


def traced(rec, name, pos):
    answer = rec.call("trace", {"name": name, "pos": pos})
    assert answer["ok"], answer
    return answer["result"]


def picked(page):
    return page.evaluate(
        "(sel) => { const l = document.querySelector(sel);"
        " return [l.querySelector('.arch-name').value, Number(l.querySelector('.arch-pos').value)]; }",
        LIVE,
    )


def traces(page):
    return int(page.evaluate("(sel) => document.querySelector(sel).dataset.traces", LIVE))


def walk(page):
    """Step from the first statement to the end with the right arrow key; what each step showed."""
    page.focus(LIVE)
    seen = [page.evaluate(READ_STEP, LIVE)]
    assert seen[0]["step"] == 0
    for _ in range(seen[0]["steps"] - 1):
        page.keyboard.press("ArrowRight")
        seen.append(page.evaluate(READ_STEP, LIVE))
    assert [s["step"] for s in seen] == list(range(len(seen)))
    return seen


def check_against_trace(seen, blocks, trace, n_layer):
    events = trace["events"]
    # Every statement the trace recorded with a change is one step, in order, then the result.
    recorded = [i for i, e in enumerate(events) if e["event"] == "line" and e["changed"]]
    assert [s["event"] for s in seen[:-1]] == recorded
    for s in seen[:-1]:
        event = events[s["event"]]
        assert s["marked"] == [event["line"]] == [s["line"]]
        assert s["active"] == [s["block"]]
        for var, shown in s["vars"].items():
            value = event["changed"][var]
            if var in ("keys", "values"):
                assert shown["rows"] == len(value[int(s["block"][1])])
            elif isinstance(value, list) and value and isinstance(value[0], list):
                assert shown["rows"] == len(value)
                assert shown["after"] == [x for row in value for x in row]
            elif isinstance(value, list) and value:
                assert shown["after"] == value, var
    # x before and after rmsnorm: the "before" cells are the x the previous statement left.
    norms = [s for s in seen if s["block"].endswith("norm")]
    assert len(norms) == 1 + 2 * n_layer
    for s in norms:
        assert s["vars"]["x"]["before"] and s["vars"]["x"]["before"] != s["vars"]["x"]["after"]
    # Every block is visited, and first visited in the diagram's top-to-bottom order.
    where = {b: (y, x) for b, y, x in blocks}
    first = list(dict.fromkeys(s["block"] for s in seen))
    assert set(first) == set(where)
    assert first == sorted(first, key=lambda b: where[b])
    # The KV cache grows by this position during the call.
    assert seen[0]["cache"] == [trace["pos"]] * n_layer
    assert seen[-1]["cache"] == trace["kv_cache"]["positions"] == [trace["pos"] + 1] * n_layer


def read_final(page):
    return page.evaluate(
        """(sel) => { const l = document.querySelector(sel);
           return {loss: Number(l.querySelector('.arch-loss dd.loss').dataset.value),
                   p: Number(l.querySelector('.arch-loss dd:not(.loss)').dataset.value),
                   target: l.querySelector('.pb-row.is-target')?.dataset.token ?? null,
                   top: [...l.querySelectorAll('.pb-row')].map((r) => Number(r.dataset.token))}; }""",
        LIVE,
    )


def test_stepping_through_a_position_follows_the_scripts_trace(open_page, built_page, artifacts):
    rec, info = open_section(open_page, built_page.as_uri())
    page = rec.page
    blocks = page.evaluate(READ_BLOCKS, LIVE)
    assert len([b for b, *_ in blocks if b.endswith(".frame")]) == info["hyper"]["n_layer"] == 1
    name, pos = picked(page)
    assert name == info["docs_head"][0] and pos == 1
    trace = traced(rec, name, pos)
    seen = walk(page)
    check_against_trace(seen, blocks, trace, 1)
    final = read_final(page)
    assert final["loss"] == trace["loss"] and final["p"] == trace["target_prob"]
    probs = trace["probs"]
    assert final["top"] == sorted(range(len(probs)), key=lambda i: -probs[i])[:8]
    page.screenshot(path=str(artifacts / "architecture-final.png"))
    # Back to the attention weights for a picture of the middle of the pass.
    softmax = next(s["step"] for s in seen if s["block"] == "L0.softmax")
    for _ in range(len(seen) - 1 - softmax):
        page.keyboard.press("ArrowLeft")
    assert page.evaluate(READ_STEP, LIVE)["block"] == "L0.softmax"
    page.screenshot(path=str(artifacts / "architecture-attention.png"))
    page.click(f"{LIVE} .arch-prev")
    assert page.evaluate(READ_STEP, LIVE)["block"] == "L0.scores"
    back_to(page, seen, "L0.attn_norm")
    page.screenshot(path=str(artifacts / "architecture-rmsnorm.png"))
    assert rec.errors == []


def back_to(page, seen, block):
    """Step back with the left arrow key to the first step of `block`."""
    page.focus(LIVE)
    target = next(s["step"] for s in seen if s["block"] == block)
    for _ in range(page.evaluate(READ_STEP, LIVE)["step"] - target):
        page.keyboard.press("ArrowLeft")
    assert page.evaluate(READ_STEP, LIVE)["block"] == block


def test_the_name_and_position_pickers_trace_another_call(open_page, built_page):
    rec, _ = open_section(open_page, built_page.as_uri())
    page = rec.page
    page.fill(f"{LIVE} .arch-name", "olivia")
    page.press(f"{LIVE} .arch-name", "Enter")
    options = page.evaluate("(sel) => document.querySelector(sel + ' .arch-pos').options.length", LIVE)
    assert options == len("olivia") + 1
    page.select_option(f"{LIVE} .arch-pos", "4")
    trace = traced(rec, "olivia", 4)
    wait_until(page, "(sel) => document.querySelector(sel + ' .arch-kv-row')?.dataset.count === '4'", LIVE)
    shown = page.evaluate(READ_STEP, LIVE)
    assert shown["step"] == 0 and shown["block"] == "tok_emb"
    assert shown["vars"]["tok_emb"]["after"] == trace["events"][1]["changed"]["tok_emb"]
    assert trace["chars"][4] == "v"
    # A training step changes the weights: the section traces the call again with the new ones.
    count = traces(page)
    assert rec.call("step", {"count": 1})["ok"]
    wait_until(page, f"(sel) => Number(document.querySelector(sel).dataset.traces) > {count}", LIVE)
    trained = traced(rec, "olivia", 4)
    q_event = next(i for i, e in enumerate(trained["events"]) if "q" in e.get("changed", {}))
    page.focus(LIVE)
    for _ in range(q_event):
        if (now := page.evaluate(READ_STEP, LIVE))["block"] == "L0.q":
            break
        page.keyboard.press("ArrowRight")
    assert now["event"] == q_event
    assert now["vars"]["q"]["after"] == trained["events"][q_event]["changed"]["q"]
    assert now["vars"]["q"]["after"] != trace["events"][q_event]["changed"]["q"]
    # A name with a character outside the vocabulary: the script's own error, nothing drawn wrong.
    page.fill(f"{LIVE} .arch-name", "Zoë")
    page.press(f"{LIVE} .arch-name", "Enter")
    wait_until(page, "(sel) => document.querySelector(sel + ' .arch-status.error')?.textContent", LIVE)
    assert rec.errors == []



def test_a_two_layer_eight_head_script_draws_and_steps_two_blocks(open_page, wide_page, artifacts):
    rec, info = open_section(open_page, wide_page.as_uri())
    page = rec.page
    assert info["hyper"]["n_layer"] == 2 and info["hyper"]["n_head"] == 8
    blocks = page.evaluate(READ_BLOCKS, LIVE)
    assert [b for b, *_ in blocks if b.endswith(".frame")] == ["L0.frame", "L1.frame"]
    name, pos = picked(page)
    trace = traced(rec, name, pos)
    seen = walk(page)
    check_against_trace(seen, blocks, trace, 2)
    heads = [s for s in seen if s["block"] == "L1.softmax"]
    assert len(heads) == 8
    # Two layers do not fit the diagram's box: it scrolled along to the last block.
    assert page.evaluate(ACTIVE_SHOWN, LIVE) == {"scrolls": True, "shown": True}
    back_to(page, seen, "L1.fc1")
    assert page.evaluate(ACTIVE_SHOWN, LIVE)["shown"]
    back_to(page, seen, "L0.q")
    assert page.evaluate(ACTIVE_SHOWN, LIVE)["shown"]
    page.screenshot(path=str(artifacts / "architecture-two-layers.png"))
    assert rec.errors == []
