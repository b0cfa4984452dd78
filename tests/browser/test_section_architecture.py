"""Chapter 4, the model step by step: the block diagram is drawn from the bridge's `outline` (one
box per statement, the layer loop's in one "× n" box, a head's in one "× heads" box), and
stepping through one traced call lights, statement by statement, the box, the line (in the
function the statement belongs to) and the numbers the bridge's own trace recorded, then the
loop body's probabilities and loss term.

The helpers here (walk, check_walk, ...) also serve test_variants_architecture.py."""

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
    layer: live.dataset.layer === '' ? null : Number(live.dataset.layer),
    head: live.dataset.head === '' ? null : Number(live.dataset.head),
    active: [...live.querySelectorAll('.arch-svg .active')].map((g) => g.dataset.block),
    marked: [...live.querySelectorAll('.code-line.marked')].map((l) => Number(l.dataset.line)),
    shown: [...live.querySelectorAll('.code-line')].map((l) => Number(l.dataset.line)),
    cache: [...live.querySelectorAll('.arch-kv-row')].map((r) => Number(r.dataset.count)),
    title: live.querySelector('.arch-step-title').textContent,
    about: live.querySelector('.arch-step-about').textContent,
    now: [...live.querySelectorAll('.arch-svg .arch-now')].map((t) => t.textContent).filter(Boolean),
    vars,
  };
}"""

# Every box and frame of the diagram: its key, kind, classes, text and where it is drawn.
READ_DIAGRAM = """(sel) => [...document.querySelectorAll(sel + ' .arch-svg g')].filter((g) =>
    g.classList.contains('arch-block') || g.classList.contains('arch-frame')).map((g) => {
  const b = g.querySelector('rect').getBBox();
  return {key: g.dataset.block ?? null, kind: g.dataset.kind ?? 'box', classes: [...g.classList],
          text: [...g.querySelectorAll(':scope > text')].map((t) => t.textContent).join(' '),
          y: Math.round(b.y), x: Math.round(b.x), h: Math.round(b.height)};
})"""

# The lit box lies within the diagram's own scroll box (which the diagram scrolls to it).
ACTIVE_SHOWN = """(sel) => {
  const view = document.querySelector(sel + ' .arch-diagram');
  const box = view.querySelector('.arch-svg .active').getBoundingClientRect();
  const frame = view.getBoundingClientRect();
  return {scrolls: view.scrollHeight > view.clientHeight + 1,
          shown: box.top >= frame.top - 1 && box.bottom <= frame.bottom + 1};
}"""

BAD_TEXT = ("undefined", "NaN", "null", "[object")


def open_section(open_page, url, viewport=(1440, 900)):
    rec = open_page(url, viewport)
    info = rec.wait_ready()
    page = rec.page
    wait_until(page, "(sel) => document.querySelector(sel)?.dataset.steps", LIVE)
    wait_until(page, "(sel) => document.querySelectorAll(sel + ' .arch-svg .arch-block').length", LIVE)
    page.evaluate("() => document.getElementById('architecture').scrollIntoView({behavior: 'instant'})")
    return rec, info


def answer(rec, method, args=None):
    reply = rec.call(method, args or {})
    assert reply["ok"], reply
    return reply["result"]


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


def go_to(page, step):
    page.focus(LIVE)
    now = page.evaluate(READ_STEP, LIVE)["step"]
    for _ in range(abs(now - step)):
        page.keyboard.press("ArrowRight" if step > now else "ArrowLeft")
    shown = page.evaluate(READ_STEP, LIVE)
    assert shown["step"] == step
    return shown


def is_loop_header(text):
    code = text.split("#")[0].strip()
    return code.startswith(("for ", "while ")) and code.endswith(":")


def phase_of(func, info, outline):
    return info["phases"]["model"] if func == outline["model"] else info["phases"][func]


def check_diagram(diagram, outline):
    """One box per statement of the outline (a loop header is its frame's title), in its flow's
    colour; one layer frame saying its count, one heads frame saying its count."""
    boxes = {d["key"]: d for d in diagram if d["kind"] == "box"}
    frames = {d["key"]: d for d in diagram if d["kind"] != "box" and d["key"]}
    layers = outline["layers"]
    for item in outline["outline"]:
        key = f"{item['func']}:{item['line']}"
        code = item["text"].split("#")[0].strip()
        if is_loop_header(item["text"]):
            assert key in frames, key
        elif code.startswith("return") and not item["calls"]:
            assert key not in boxes  # `return x` only hands on what a statement above made
        else:
            assert key in boxes, key
            assert item["flow"] in boxes[key]["classes"], (key, boxes[key]["classes"])
    kinds = [d["kind"] for d in diagram if d["kind"] != "box"]
    if layers["count"]:
        assert kinds.count("layer") == 1
        frame = next(d for d in diagram if d["kind"] == "layer")
        assert f"× {layers['count']} layer" in frame["text"]
    if layers["heads"]:
        assert kinds.count("heads") == 1
        frame = next(d for d in diagram if d["kind"] == "heads")
        assert f"× {layers['heads']} head" in frame["text"]
    for d in diagram:
        assert not any(bad in d["text"] for bad in BAD_TEXT), d
    return boxes, frames


def step_events(trace):
    """The trace's statements the page steps through: those that bound or called something."""
    return [i for i, e in enumerate(trace["events"]) if e["event"] == "line" and (e.get("changed") or e.get("calls"))]


def held_before(trace):
    """For each event index, what its frame's locals held just before it."""
    frames, out = {}, {}
    for i, e in enumerate(trace["events"]):
        frame = frames.setdefault(e["frame"], {})
        out[i] = dict(frame)
        if e["event"] in ("call", "line"):
            frame.update(e.get("changed") or {})
    return out


def check_walk(seen, trace, info, outline, diagram):
    """Every step against the trace: the statement, its box, its line in its own function, the
    numbers it bound and what they replaced; then the loop body's result; the KV cache."""
    events = trace["events"]
    assert [s["event"] for s in seen[:-1]] == step_events(trace)
    where = {d["key"]: (d["y"], d["x"]) for d in diagram if d["key"]}
    before_of = held_before(trace)
    for s in seen[:-1]:
        event = events[s["event"]]
        key = f"{event['func']}:{event['line']}"
        assert s["block"] == key and s["active"] == [key]
        assert s["marked"] == [event["line"]] == [s["line"]]
        first, last = phase_of(event["func"], info, outline)
        assert s["shown"] and first - 1 <= min(s["shown"]) and max(s["shown"]) <= last + 1, (key, s["shown"])
        assert (s["layer"], s["head"]) == (event.get("layer"), event.get("head"))
        assert s["about"] and not any(bad in s["about"] + s["title"] for bad in BAD_TEXT), s["about"]
        held = before_of[s["event"]]
        for var, shown in s["vars"].items():
            if var == "return":
                assert shown["after"] == events[s["event"] + 1]["value"]
                continue
            value = event["changed"][var]
            if isinstance(value, list) and value and all(isinstance(x, (int, float)) for x in value):
                assert shown["after"] == value, var
                if shown["before"] is not None:
                    assert shown["before"] == held[var], var  # (equal to the value itself when a stage added zeros)
            elif isinstance(value, list) and value and all(isinstance(r, list) for r in value) and shown["rows"]:
                if all(isinstance(x, (int, float)) for r in value for x in r):
                    assert shown["rows"] == len(value)
                    assert shown["after"] == [x for row in value for x in row]
    # The boxes are first lit in the diagram's top-to-bottom order.
    first_lit = list(dict.fromkeys(s["block"] for s in seen[:-1]))
    assert first_lit == sorted(first_lit, key=lambda b: where[b])
    # The last step: the loop body's own lines after the call.
    final = seen[-1]
    assert final["block"] == "final" and final["active"] == ["final"]
    assert final["marked"] == [trace["probs_line"], trace["loss_line"]]
    # The KV cache: this call adds its position to every layer; attention then weighs them all.
    count = trace["layers"]["count"]
    weights = {}
    for e in events:
        if e.get("facts", {}).get("weights"):
            weights.setdefault(e["layer"], e["facts"]["size"])
    assert weights == {layer: trace["pos"] + 1 for layer in range(count)}
    assert seen[0]["cache"] == [trace["pos"]] * count
    assert final["cache"] == [trace["pos"] + 1] * count


def read_final(page):
    return page.evaluate(
        """(sel) => { const l = document.querySelector(sel);
           const loss = l.querySelector('.arch-loss dd.loss');
           return {loss: loss ? Number(loss.dataset.value) : null,
                   p: Number(l.querySelector('.arch-loss dd:not(.loss)').dataset.value),
                   target: l.querySelector('.pb-row.is-target')?.dataset.token ?? null,
                   top: [...l.querySelectorAll('.pb-row')].map((r) => Number(r.dataset.token))}; }""",
        LIVE,
    )


def check_final(page, trace):
    final = read_final(page)
    assert final["loss"] == trace["loss"] and final["p"] == trace["target_prob"]
    probs = trace["probs"]
    top = sorted(range(len(probs)), key=lambda i: -probs[i])[:8]
    if trace["target_id"] not in top:
        top = top[:7] + [trace["target_id"]]  # the target is kept, in the last place
    assert final["top"] == top


CODE_FITS = """(sel) => { const card = document.querySelector(sel + ' .arch-step-card');
  const lines = card.querySelector('.code-lines'); const panel = card.querySelector('.code-panel');
  return {scroll: lines.scrollWidth, client: lines.clientWidth,
          inside: panel.getBoundingClientRect().right <= card.getBoundingClientRect().right + 1,
          marked: [...lines.querySelectorAll('.code-line.marked')].map((l) => l.textContent)}; }"""


def check_final_code(page, trace):
    """The last step lights the line where the loop body turns the scores into probabilities
    (the softmax runs there, not in the model's `return`), and no line of the code is cut."""
    code = page.evaluate(CODE_FITS, LIVE)
    assert code["scroll"] <= code["client"] + 1 and code["inside"], code
    assert len(code["marked"]) == 2 and "softmax(" in code["marked"][0], code["marked"]
    assert code["marked"][0].startswith(str(trace["probs_line"])) and "return" not in code["marked"][0]


def test_stepping_through_a_position_follows_the_scripts_trace(open_page, built_page, artifacts):
    rec, info = open_section(open_page, built_page.as_uri())
    page = rec.page
    outline = answer(rec, "outline")
    diagram = page.evaluate(READ_DIAGRAM, LIVE)
    boxes, _ = check_diagram(diagram, outline)
    assert outline["layers"] == {"count": 1, "heads": 4}
    # Labels from the statements themselves: the matrix a statement used, the embedding lookups.
    texts = [b["text"] for b in boxes.values()]
    assert any("wte[token]" in t for t in texts) and any("wpe[position]" in t for t in texts)
    assert any("layer0.mlp_fc1" in t and "16→64" in t for t in texts)
    assert any("softmax over positions" in t for t in texts)
    # The diagram fits its box beside the step panel at 1440 × 900.
    assert page.evaluate(ACTIVE_SHOWN, LIVE) == {"scrolls": False, "shown": True}
    name, pos = picked(page)
    assert name == info["docs_head"][0] and pos == 1
    trace = answer(rec, "trace", {"name": name, "pos": pos})
    seen = walk(page)
    check_walk(seen, trace, info, outline, diagram)
    check_final(page, trace)
    check_final_code(page, trace)
    page.screenshot(path=str(artifacts / "architecture-final.png"))
    # Descriptions come from what the statement did: a lookup by token, a distribution over the
    # positions, a vector stored for later positions.
    first = seen[0]
    token = info["vocab"]["labels"][trace["token_id"]]
    assert first["about"].startswith(f"Row {trace['token_id']} of ") and f'the token "{token}"' in first["about"]
    weights = next(s for s in seen if "over positions 0–1" in s["about"])
    assert weights["head"] == 0
    assert any("stored in" in s["about"] and "now holds 2 positions" in s["about"] for s in seen)
    # Back to the attention weights for a picture of the middle of the pass.
    go_to(page, weights["step"])
    page.screenshot(path=str(artifacts / "architecture-attention.png"))
    page.click(f"{LIVE} .arch-prev")
    assert page.evaluate(READ_STEP, LIVE)["step"] == weights["step"] - 1
    assert rec.errors == []


def test_the_name_and_position_pickers_trace_another_call(open_page, built_page):
    rec, info = open_section(open_page, built_page.as_uri())
    page = rec.page
    vocab = info["vocab"]
    page.fill(f"{LIVE} .arch-name", "olivia")
    page.press(f"{LIVE} .arch-name", "Enter")
    tokenized = answer(rec, "tokenize", {"text": "olivia"})
    wait_until(page, f"(sel) => document.querySelector(sel + ' .arch-pos').options.length === {tokenized['n']}", LIVE)
    options = page.evaluate("(sel) => [...document.querySelector(sel + ' .arch-pos').options].map((o) => o.text)", LIVE)
    end = vocab["labels"][vocab["eos"] if vocab["eos"] is not None else vocab["bos"]]
    assert options[0] == f"0: {vocab['labels'][vocab['bos']]} → o" and options[-1].endswith(f"→ {end}")
    page.select_option(f"{LIVE} .arch-pos", "4")
    trace = answer(rec, "trace", {"name": "olivia", "pos": 4})
    wait_until(page, "(sel) => document.querySelector(sel + ' .arch-kv-row')?.dataset.count === '4'", LIVE)
    shown = page.evaluate(READ_STEP, LIVE)
    first = trace["events"][step_events(trace)[0]]
    assert shown["step"] == 0 and shown["block"] == f"{first['func']}:{first['line']}"
    var, value = next(iter(first["changed"].items()))
    assert shown["vars"][var]["after"] == value
    assert trace["labels"][4] == "v"
    # A training step changes the weights: the section traces the call again with the new ones.
    count = traces(page)
    assert rec.call("step", {"count": 1})["ok"]
    wait_until(page, f"(sel) => Number(document.querySelector(sel).dataset.traces) > {count}", LIVE)
    trained = answer(rec, "trace", {"name": "olivia", "pos": 4})
    # The first statement that multiplies by a matrix: its numbers are the new weights'.
    steps = step_events(trained)
    k = next(k for k, i in enumerate(steps) if any(c.get("matrix") for c in trained["events"][i].get("calls", [])))
    event, old = trained["events"][steps[k]], trace["events"][steps[k]]
    now = go_to(page, k)
    var = next(iter(event["changed"]))
    assert now["vars"][var]["after"] == event["changed"][var] != old["changed"][var]
    # A name with a character outside the vocabulary: the script's own error, nothing drawn wrong.
    page.fill(f"{LIVE} .arch-name", "Zoë")
    page.press(f"{LIVE} .arch-name", "Enter")
    error = answer(rec, "tokenize", {"text": "Zoë"})["error"]
    status = wait_until(page, "(sel) => document.querySelector(sel + ' .arch-status.error')?.textContent", LIVE)
    assert error and status == error["message"]
    assert rec.errors == []


def test_a_two_layer_eight_head_script_steps_through_every_layer_and_head(open_page, wide_page, artifacts):
    rec, info = open_section(open_page, wide_page.as_uri())
    page = rec.page
    outline = answer(rec, "outline")
    assert outline["layers"] == {"count": 2, "heads": 8}
    diagram = page.evaluate(READ_DIAGRAM, LIVE)
    check_diagram(diagram, outline)
    name, pos = picked(page)
    trace = answer(rec, "trace", {"name": name, "pos": pos})
    seen = walk(page)
    check_walk(seen, trace, info, outline, diagram)
    weights = [s for s in seen if s["layer"] == 1 and "weights over positions" in s["about"]]
    assert [s["head"] for s in weights] == list(range(8))
    # In layer 1 the boxes name layer 1's matrices and the frames say where the step is.
    in_layer_1 = go_to(page, weights[3]["step"])
    assert in_layer_1["now"] == ["now layer 1", "now head 3"]
    texts = " ".join(d["text"] for d in page.evaluate(READ_DIAGRAM, LIVE))
    assert "layer1.mlp_fc1" in texts and "layer0.mlp_fc1" not in texts
    assert page.evaluate(ACTIVE_SHOWN, LIVE)["shown"]
    page.screenshot(path=str(artifacts / "architecture-two-layers.png"))
    assert rec.errors == []


def test_on_a_phone_the_diagram_fits_the_column(open_page, built_page, artifacts):
    rec, _ = open_section(open_page, built_page.as_uri(), viewport=(390, 844))
    page = rec.page
    measure = ("(sel) => { const v = document.querySelector(sel + ' .arch-diagram');"
               " const svg = v.querySelector('svg').getBoundingClientRect().width;"
               " return {scroll: v.scrollWidth, client: v.clientWidth, svg}; }")
    fits = "(s) => s.scroll <= s.client + 1 && s.svg <= s.client + 1"
    # The diagram is laid out again when its box changes width (a scrollbar appearing narrows
    # it): it fits once that redraw has landed.
    try:
        wait_until(page, f"(sel) => ({fits})(({measure})(sel))", LIVE, timeout=10)
    except pytest.fail.Exception:
        pass  # the assertion below says by how much
    sizes = page.evaluate(measure, LIVE)
    assert sizes["scroll"] <= sizes["client"] + 1 and sizes["svg"] <= sizes["client"] + 1, sizes
    go_to(page, 20)
    assert page.evaluate(ACTIVE_SHOWN, LIVE)["shown"]
    page.locator(f"{LIVE} .arch-diagram").screenshot(path=str(artifacts / "architecture-phone.png"))
    # The last step's code wraps in the phone's column instead of running off its right edge.
    steps = int(page.evaluate(READ_STEP, LIVE)["steps"])
    go_to(page, steps - 1)
    name, pos = picked(page)
    check_final_code(page, answer(rec, "trace", {"name": name, "pos": pos}))
    page.locator(f"{LIVE} .arch-step-card").screenshot(path=str(artifacts / "architecture-phone-final.png"))
    assert rec.errors == []
