"""Chapter 2: the autograd playground (the script's own autograd class, drawn) and the loss graph,
for the default script and for variants whose class keeps its graph another way (micrograd's
`_prev` set, `_backward` closures and `_op` labels) or whose script calls backward once per
position."""


import pytest
from helpers import open_code_panel
from helpers import wait_until as poll
from variant_pages import open_variant

pytestmark = pytest.mark.browser

TOY = '[data-live="autograd"] .ag-toy'
LOSS = '[data-live="autograd"] .ag-loss'



def drawn_nodes(page):
    """{label: {data, grad}} as the drawing holds them (exact numbers in data attributes)."""
    return page.evaluate(
        """(sel) => Object.fromEntries([...document.querySelectorAll(sel + ' .dag-node')].map((g) =>
            [g.dataset.label, {data: Number(g.dataset.data),
                               grad: g.dataset.grad === undefined ? null : Number(g.dataset.grad)}]))""",
        TOY,
    )


def texts(page, selector):
    return page.evaluate("(sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent)", selector)


def grads_by_id(page):
    pairs = "(sel) => [...document.querySelectorAll(sel)].map((g) => [Number(g.dataset.id), Number(g.dataset.grad)])"
    return dict(page.evaluate(pairs, f"{TOY} .dag-node"))


def drawn_pairs(page):
    """Every drawn node's (data, grad), sorted: what the drawing holds, whatever its numbering."""
    pairs = "(sel) => [...document.querySelectorAll(sel)].map((g) => [Number(g.dataset.data), Number(g.dataset.grad)])"
    return sorted(tuple(p) for p in page.evaluate(pairs, f"{TOY} .dag-node"))


def node_data_is(page, label, value):
    script = "([sel, v]) => document.querySelector(sel)?.dataset.data === v"
    poll(page, script, [f'{TOY} .dag-node[data-label="{label}"]', str(value)])


def toy_expr(page):
    return page.evaluate("(sel) => document.querySelector(sel).dataset.expr ?? null", TOY)


def wait_for_expr(page, expr):
    poll(page, "([sel, e]) => document.querySelector(sel)?.dataset.expr === e", [TOY, expr])


def bridge_nodes(rec, args):
    answer = rec.call("autograd", args)
    assert answer["ok"], answer
    return answer["result"]


def run_backward(page):
    page.click(f"{TOY} .ag-backward")
    poll(page, "(sel) => document.querySelector(sel).dataset.backward === 'done'", TOY, timeout=30)


@pytest.fixture
def chapter(open_page, built_page):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    page.evaluate("() => document.getElementById('autograd').scrollIntoView({behavior: 'instant'})")
    wait_for_expr(page, "a*b + c")
    return rec


def set_slider(page, name, value):
    page.evaluate(
        """([sel, name, value]) => {
            const input = document.querySelector(`${sel} input[data-input="${name}"]`);
            input.value = String(value);
            input.dispatchEvent(new Event('input', {bubbles: true}));
        }""",
        [TOY, name, value],
    )


def test_default_graph_and_sliders_change_node_values(chapter):
    page = chapter.page
    nodes = drawn_nodes(page)
    assert nodes["a*b + c"]["data"] == 4 and nodes["a*b"]["data"] == -6
    assert all(n["grad"] is None for n in nodes.values())  # no grads before backward()
    ops = texts(page, f"{TOY} .dag-op text")
    assert sorted(ops) == ["+", "×"]  # an op label on every non-leaf node
    # Edge labels are the local gradients Python returned.
    direct = bridge_nodes(chapter, {"expr": "a*b + c", "inputs": {"a": 2, "b": -3, "c": 10}})
    labels = texts(page, f"{TOY} .dag-edge-label text")
    assert labels == [str(int(e["local_grad"])) for e in direct["edges"]]

    # Slider: a new forward pass in the worker; every node's value follows.
    times = []
    for value in (1.5, 3, -2.5, 0.5):
        before = page.evaluate("(sel) => document.querySelector(sel).dataset.roundtripMs", TOY)
        set_slider(page, "a", value)
        node_data_is(page, "a", value)
        after = page.evaluate("(sel) => document.querySelector(sel).dataset.roundtripMs", TOY)
        if after != before:
            times.append(float(after))
    nodes = drawn_nodes(page)
    assert nodes["a"]["data"] == 0.5 and nodes["a*b"]["data"] == -1.5 and nodes["a*b + c"]["data"] == 8.5
    print(f"\nslider round trip (ms): {times}; median {sorted(times)[len(times) // 2]:.1f} (target <= 30)")
    # A burst of moves is coalesced: the last value wins.
    for value in (1, 1.1, 1.2, 1.3, 1.4, 4):
        set_slider(page, "b", value)
    node_data_is(page, "b", 4)
    assert drawn_nodes(page)["a*b"]["data"] == 2.0
    assert chapter.errors == []


def test_backward_fills_the_bridges_grads_in_the_scripts_order(chapter):
    page = chapter.page
    page.emulate_media(reduced_motion="no-preference")
    page.click(f"{TOY} .ag-backward")
    # While it plays, nodes fill in one at a time: first the output alone.
    first = poll(page, """(sel) => {
        const done = [...document.querySelectorAll(sel + ' .dag-node')].filter((g) => g.dataset.grad !== undefined);
        return done.length ? done.map((g) => g.dataset.label) : null; }""", TOY)
    assert first == ["a*b + c"]
    poll(page, "(sel) => document.querySelector(sel).dataset.backward === 'done'", TOY, timeout=30)
    direct = bridge_nodes(chapter, {"expr": "a*b + c", "inputs": {"a": 2, "b": -3, "c": 10}})
    drawn = drawn_nodes(page)
    for n in direct["nodes"]:
        assert drawn[n["label"]]["grad"] == n["grad"], n
    assert "✓ grads agree with finite differences" in page.text_content(f"{TOY} .ag-expr-status")
    table = page.evaluate(f"""() => [...document.querySelectorAll('{TOY} .ag-fd-table tbody tr')].map((tr) =>
        [...tr.children].map((td) => td.textContent))""")
    assert [row[0] for row in table] == ["a", "b", "c"] and all(row[-1] == "✓" for row in table)
    assert [float(row[2]) for row in table] == [n["grad"] for n in direct["nodes"] if n["kind"] == "input"]
    assert page.text_content(f"{TOY} .ag-step").startswith("Done.")


def marked_lines(page):
    return page.evaluate(f"() => [...document.querySelectorAll('{TOY} .code-line.marked')].map((l) => l.textContent)")


def test_backward_steps_show_the_chain_rule_and_highlight_the_code(chapter):
    page = chapter.page
    info = chapter.call("info")["result"]
    open_code_panel(page, TOY)
    step = f"{TOY} .ag-step-button"
    page.click(step)  # start: the output's grad is set to 1
    assert "a*b + c.grad = 1" in page.text_content(f"{TOY} .ag-step")
    page.click(step)  # visit the output (an add)
    marked = marked_lines(page)
    assert any("def __add__" in line for line in marked) and any("def backward" in line for line in marked)
    page.click(step)  # the first edge: a*b.grad += 1 * 1, by the script's own chain-rule line
    caption = page.text_content(f"{TOY} .ag-step")
    assert info["facts"]["chain_rule"] == "child.grad += local_grad * v.grad"
    assert info["facts"]["chain_rule"] in caption and "a*b.grad += 1 × 1" in caption
    assert page.locator(f"{TOY} .dag-edge.active").count() == 1


def test_presets_load(chapter):
    page = chapter.page
    expected = {
        "addition": "a + b",
        "multiplication": "a * b",
        "log+exp": "(a.exp() / (a.exp() + b.exp())).log()",
        "relu": "(a*b + c).relu()",
        "a*b+c": "a*b + c",
    }
    # The buttons are the presets the script's class supports, as the bridge lists them.
    offered = bridge_nodes(chapter, {"preset": "a*b+c"})["presets"]
    buttons = page.evaluate(f"() => [...document.querySelectorAll('{TOY} .ag-preset')].map((b) => b.dataset.preset)")
    assert buttons == offered and sorted(offered) == sorted(expected)
    for preset, expr in expected.items():
        page.click(f'{TOY} .ag-preset[data-preset="{preset}"]')
        wait_for_expr(page, expr)
        assert page.input_value(f"{TOY} .ag-expr") == expr
        direct = bridge_nodes(chapter, {"preset": preset})  # the preset's own inputs
        assert page.locator(f"{TOY} .dag-node").count() == len(direct["nodes"])
        assert page.locator(f"{TOY} .dag-edge").count() == len(direct["edges"])
    # A slider moved on one preset does not follow to the next: each starts from its own inputs
    # (the bridge's), so the softmax fragment never opens at a=8.2 with grads of ~1e-5.
    page.click(f'{TOY} .ag-preset[data-preset="a*b+c"]')
    wait_for_expr(page, expected["a*b+c"])
    page.evaluate(f"() => {{ const s = document.querySelector('{TOY} input[data-input=\"a\"]'); s.value = '8.2';"
                  " s.dispatchEvent(new Event('input')); }")
    page.click(f'{TOY} .ag-preset[data-preset="log+exp"]')
    wait_for_expr(page, expected["log+exp"])
    direct = bridge_nodes(chapter, {"preset": "log+exp"})
    sliders = page.evaluate(f"() => Object.fromEntries([...document.querySelectorAll('{TOY} input[data-input]')]"
                            ".map((s) => [s.dataset.input, Number(s.value)]))")
    assert sliders == direct["inputs"], (sliders, direct["inputs"])
    run_backward(page)
    assert grads_by_id(page) == {n["id"]: n["grad"] for n in direct["nodes"]}
    assert all(abs(n["grad"]) > 1e-3 for n in direct["nodes"] if n["kind"] == "input")


def test_custom_expression_and_a_bad_one(chapter, artifacts):
    page = chapter.page
    page.fill(f"{TOY} .ag-expr", "(a*b).exp() / (a + 1)")
    page.click(f"{TOY} .ag-expr-go")
    wait_for_expr(page, "(a*b).exp() / (a + 1)")
    assert "✓" in page.text_content(f"{TOY} .ag-expr-status")
    run_backward(page)
    direct = bridge_nodes(chapter, {"expr": "(a*b).exp() / (a + 1)", "inputs": {"a": 2, "b": -3, "c": 10}})
    assert grads_by_id(page) == {n["id"]: n["grad"] for n in direct["nodes"]}
    count = page.locator(f"{TOY} .dag-node").count()

    page.fill(f"{TOY} .ag-expr", "a ** b")
    page.click(f"{TOY} .ag-expr-go")
    status = poll(page, "(sel) => document.querySelector(sel + ' .ag-expr-status.error')?.textContent", TOY)
    assert "exponent must be a plain number" in status
    # The last good graph stays.
    assert toy_expr(page) == "(a*b).exp() / (a + 1)" and page.locator(f"{TOY} .dag-node").count() == count
    page.locator(TOY).scroll_into_view_if_needed()
    page.evaluate(f"() => document.querySelector('{TOY}').scrollIntoView({{behavior: 'instant'}})")
    page.screenshot(path=str(artifacts / "autograd-custom-error.png"))
    assert chapter.errors == []


def test_loss_graph_explorer_walks_from_the_loss_without_training(chapter, artifacts):
    page = chapter.page
    before = chapter.call("params")["result"]
    page.evaluate(f"() => document.querySelector('{LOSS}').scrollIntoView({{behavior: 'instant'}})")
    poll(page, "(sel) => document.querySelector(sel).dataset.state === 'ready'", LOSS, timeout=60)
    text = page.text_content(f"{LOSS} .ag-loss-summary")
    nodes = int(text.split("Value nodes")[1].split("edges")[0].replace(",", ""))  # the class's name
    assert nodes > 10_000
    root = page.evaluate(f"() => document.querySelector('{LOSS} .ag-trail .ag-node').dataset.id")
    # Click down one child at a time.
    for _ in range(3):
        kids = page.locator(f"{LOSS} .ag-children .ag-node:not([disabled])")
        target = kids.first.get_attribute("data-id")
        kids.first.click()
        poll(page, "([sel, id]) => document.querySelector(sel + ' .ag-children')?.dataset.parent === id",
             [LOSS, target])
    assert page.locator(f"{LOSS} .ag-trail li").count() == 4
    assert page.locator(f"{LOSS} .ag-trail .ag-node").first.get_attribute("data-id") == root
    # The shortcut walks down to a weight of the token embedding (the outline's, by role).
    token = chapter.call("outline")["result"]["embedding"]["token"]
    assert page.text_content(f"{LOSS} .ag-walk") == f"Walk to a weight of {token}"
    page.click(f"{LOSS} .ag-walk")
    last = f"{LOSS} .ag-trail li:last-child .ag-node"
    starts = "([sel, t]) => document.querySelector(sel + ' .ag-node-name')?.textContent.startsWith(t + '[')"
    poll(page, starts, [last, token])
    assert "ag-flow-embed" in page.get_attribute(last, "class")  # coloured by its matrix's role
    # Each node says which line made it and in which function, as the bridge recorded it.
    walk = chapter.call("loss_graph_path", {"to": None})["result"]
    shown = page.evaluate(f"""() => [...document.querySelectorAll('{LOSS} .ag-trail .ag-node')].map((n) => {{
        const w = n.querySelector('.ag-node-where'); return w ? [Number(w.dataset.line), w.dataset.func,
        w.querySelector('.ag-node-code').textContent] : null; }})""")
    want = [[n["origin"]["line"], n["origin"]["func"], n["origin"]["text"]] if n["origin"] else None for n in walk]
    assert shown == want and shown[-1] is None and all(shown[:-1])
    funcs = {w[1] for w in shown[:-1]}
    assert {"training loop", "softmax", "linear", "gpt"} <= funcs
    stages = texts(page, f"{LOSS} .ag-stages .ag-stage")
    assert stages[:3] == ["training loop", "softmax", "linear (lm_head)"]
    assert "residual" in stages and stages[-1] == token
    leaf_grad = float(page.get_attribute(last, "data-grad"))
    assert leaf_grad != 0
    page.screenshot(path=str(artifacts / "autograd-lossgraph.png"))
    after = chapter.call("params")["result"]
    assert after == before  # looking did not train
    assert chapter.call("info")["result"]["step"] == 0
    # Once the model does train, the panel says its graph is from before.
    assert chapter.call("step")["ok"]
    poll(page, "(sel) => document.querySelector(sel + ' .ag-loss-stale').textContent", LOSS)


def test_reduced_motion_is_instant_and_screenshots(chapter, artifacts):
    page = chapter.page
    page.evaluate(f"() => document.querySelector('{TOY}').scrollIntoView({{behavior: 'instant'}})")
    page.screenshot(path=str(artifacts / "autograd-toy.png"))
    page.click(f"{TOY} .code-panel summary")
    for _ in range(4):
        page.click(f"{TOY} .ag-step-button")
    page.screenshot(path=str(artifacts / "autograd-stepping.png"))
    page.emulate_media(reduced_motion="reduce")
    page.click(f"{TOY} .ag-reset")
    page.click(f"{TOY} .ag-backward")
    # No frames in between: done at once.
    assert page.evaluate("(sel) => document.querySelector(sel).dataset.backward", TOY) == "done"
    page.click(f"{TOY} .code-panel summary")
    page.click(f'{TOY} .ag-preset[data-preset="log+exp"]')
    wait_for_expr(page, "(a.exp() / (a.exp() + b.exp())).log()")
    page.click(f"{TOY} .ag-backward")
    assert page.evaluate("(sel) => document.querySelector(sel).dataset.backward", TOY) == "done"
    page.evaluate(f"() => document.querySelector('{TOY}').scrollIntoView({{behavior: 'instant'}})")
    page.screenshot(path=str(artifacts / "autograd-logexp.png"))
    # Nothing in the chapter is wider than the page.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert chapter.errors == []


def test_a_micrograd_style_value_draws_and_replays(open_page, tmp_path_factory, artifacts):
    """A Value that keeps its children in a `_prev` set and writes its children's grads in a
    `_backward` closure per node: the same graph, replayed from the grads its closures wrote."""
    rec, info = open_variant(open_page, tmp_path_factory, "value_micrograd")
    assert info["roles"]["autograd"]["closure"] == "_backward"
    page = rec.page
    page.evaluate("() => document.getElementById('autograd').scrollIntoView({behavior: 'instant'})")
    wait_for_expr(page, "a*b + c")
    nodes = drawn_nodes(page)
    assert nodes["a*b + c"]["data"] == 4 and nodes["a*b"]["data"] == -6
    assert sorted(texts(page, f"{TOY} .dag-op text")) == ["+", "×"]
    open_code_panel(page, TOY)
    step = f"{TOY} .ag-step-button"
    page.click(step)  # start
    page.click(step)  # visit the output: backward() and the __add__ that made it (its closure's home)
    marked = marked_lines(page)
    assert any("def __add__" in line for line in marked) and any("def backward" in line for line in marked)
    page.click(step)  # the first edge: the output's closure wrote a child's grad
    caption = page.text_content(f"{TOY} .ag-step")
    assert "._backward()" in caption and ".grad += 1 × 1" in caption
    page.emulate_media(reduced_motion="reduce")
    page.click(f"{TOY} .ag-reset")
    run_backward(page)
    # A set of children has no fixed order: two calls may number the nodes differently, so the
    # drawing is compared with a fresh answer as the set of its (data, grad) pairs.
    direct = bridge_nodes(rec, {"expr": "a*b + c", "inputs": {"a": 2, "b": -3, "c": 10}})
    assert drawn_pairs(page) == sorted((n["data"], n["grad"]) for n in direct["nodes"])
    assert "✓ grads agree with finite differences" in page.text_content(f"{TOY} .ag-expr-status")
    # Every preset the class supports builds, and its replay ends on Python's grads.
    for preset in direct["presets"]:
        page.click(f'{TOY} .ag-preset[data-preset="{preset}"]')
        expr = bridge_nodes(rec, {"preset": preset})["expr"]
        wait_for_expr(page, expr)
        run_backward(page)
        answer = bridge_nodes(rec, {"preset": preset})  # the preset's own inputs
        assert drawn_pairs(page) == sorted((n["data"], n["grad"]) for n in answer["nodes"]), preset
    page.evaluate(f"() => document.querySelector('{TOY}').scrollIntoView({{behavior: 'instant'}})")
    page.screenshot(path=str(artifacts / "autograd-micrograd.png"))
    # The loss graph of one step, walked down to the token embedding.
    page.evaluate(f"() => document.querySelector('{LOSS}').scrollIntoView({{behavior: 'instant'}})")
    poll(page, "(sel) => document.querySelector(sel).dataset.state === 'ready'", LOSS, timeout=60)
    page.click(f"{LOSS} .ag-walk")
    last = f"{LOSS} .ag-trail li:last-child .ag-node"
    poll(page, "(sel) => document.querySelector(sel + ' .ag-node-name')?.textContent.startsWith('wte[')", last)
    # Its nodes, made by the micrograd class's operators, still name the script's lines and stages.
    stages = texts(page, f"{LOSS} .ag-stages .ag-stage")
    assert stages[:2] == ["training loop", "softmax"] and "residual" in stages and stages[-1] == "wte"
    assert page.locator(f"{LOSS} .ag-trail .ag-node-where").count() == page.locator(f"{LOSS} .ag-trail li").count() - 1
    page.screenshot(path=str(artifacts / "autograd-lossgraph-micrograd.png"))
    assert rec.errors == []


def test_one_backward_per_position_is_said(open_page, tmp_path_factory):
    """A script that calls backward once per position: the loss graph shown is the last call's,
    and the panel says so."""
    rec, info = open_variant(open_page, tmp_path_factory, "backward_per_position")
    assert info["roles"]["per_position_backward"] is True
    page = rec.page
    page.evaluate(f"() => document.querySelector('{LOSS}').scrollIntoView({{behavior: 'instant'}})")
    poll(page, "(sel) => document.querySelector(sel).dataset.state === 'ready'", LOSS, timeout=60)
    built = rec.call("loss_graph", {"step": 0})["result"]
    assert built["roots"] > 1
    assert page.get_attribute(LOSS, "data-roots") == str(built["roots"])
    status = page.text_content(f"{LOSS} .ag-loss-status")
    assert f"once per position ({built['roots']} times for this document)" in status
    assert rec.errors == []
