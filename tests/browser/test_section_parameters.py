"""Chapter 3, model parameters: the schematic, the heatmaps, the zoom and the count follow the
running script's parameters (the bridge's layout), also after training, for an edited script
and for variants: a model made of classes (other names), tied embeddings (no output matrix of
its own). What each matrix is for comes from the statements that use it, not from its name."""

from pathlib import Path

import pytest
from helpers import open_code_panel, wait_until
from variant_pages import edited_page, open_variant

pytestmark = pytest.mark.browser

SECTION = '[data-live="parameters"]'
ZOOM = "dialog.pm-zoom"



def refreshes(page):
    return int(page.evaluate(f"() => document.querySelector('{SECTION} .live-body').dataset.refreshes || 0"))


def open_section(open_page, url):
    rec = open_page(url)
    info = rec.wait_ready()
    wait_until(rec.page, lambda_refreshed(0))
    rec.page.evaluate("() => document.getElementById('parameters').scrollIntoView({behavior: 'instant'})")
    return rec, info


def lambda_refreshed(after):
    return f"() => Number(document.querySelector('{SECTION} .live-body')?.dataset.refreshes || 0) > {after}"


def py(rec, code):
    answer = rec.call("eval", {"code": code})
    assert answer["ok"], answer
    return answer["result"]["repr"]


def bridge_shapes(rec):
    """state_dict's names and [rows, cols], as the script has them."""
    names = eval(py(rec, "list(state_dict)"))
    shapes = eval(py(rec, "[[len(m), len(m[0])] for m in state_dict.values()]"))
    return dict(zip(names, shapes, strict=True))


def cell_point(page, canvas, row, col):
    """The centre of a heatmap cell in page coordinates, from the geometry the widget publishes."""
    g = page.evaluate(
        """(sel) => { const c = document.querySelector(sel); const r = c.getBoundingClientRect();
                      const d = c.dataset;
                      return {x: r.left, y: r.top, cell: +d.cell, left: +d.left, top: +d.top}; }""",
        canvas,
    )
    return g["x"] + g["left"] + (col + 0.5) * g["cell"], g["y"] + g["top"] + (row + 0.5) * g["cell"]


def hover_cell(page, row, col):
    page.mouse.move(*cell_point(page, f"{ZOOM} canvas", row, col))
    return page.evaluate(
        f"""() => Object.fromEntries([...document.querySelectorAll('{ZOOM} .pm-readout-values > div')]
                .map((d) => [d.dataset.key, d.querySelector('dd').textContent]))"""
    )


def texts_of(page, selector):
    return page.evaluate("(s) => [...document.querySelectorAll(s)].map((e) => e.textContent)", selector)


def zoom_shape(page):
    js = f"() => {{ const d = document.querySelector('{ZOOM} canvas').dataset; return [+d.rows, +d.cols]; }}"
    return page.evaluate(js)


def zoom_is_open(page):
    return page.evaluate(f"() => document.querySelector('{ZOOM}')?.open === true")


def test_schematic_draws_every_matrix_to_scale_with_the_scripts_count(open_page, built_page, artifacts):
    rec, info = open_section(open_page, built_page.as_uri())
    page = rec.page
    shapes = bridge_shapes(rec)
    assert shapes["wte"] == [27, 16] and shapes["layer0.mlp_fc2"] == [16, 64]
    drawn = page.evaluate(
        f"""() => [...document.querySelectorAll('{SECTION} .pm-matrix')].map((b) => {{
              const r = b.getBoundingClientRect();
              return [b.dataset.name, r.width, r.height, [...b.classList].find((c) => c.startsWith('flow-'))]; }})"""
    )
    # Every matrix, in the order the forward pass meets them: embeddings, the layer, the output.
    assert sorted(d[0] for d in drawn) == sorted(shapes)
    assert [d[0] for d in drawn] == [n for n in shapes if n != "lm_head"] + ["lm_head"]
    px = None
    for name, width, height, flow in drawn:
        rows, cols = shapes[name]
        # one scale for every matrix (border included in the box: allow a pixel)
        px = px or width / cols
        assert abs(width - cols * px) <= 1.5 and abs(height - rows * px) <= 1.5, name
        expected = {"wte": "flow-embed", "wpe": "flow-embed", "lm_head": "flow-loss"}.get(name)
        expected = expected or ("flow-attn" if ".attn_" in name else "flow-mlp")
        assert flow == expected, name
    # The count: the total is the script's len(params); the parts come from the shapes.
    total = int(py(rec, "len(params)"))
    assert total == info["params"]["count"] == 4192
    assert page.text_content(f"{SECTION} .pm-count-total dd") == str(total)
    parts = page.evaluate(
        f"""() => Object.fromEntries([...document.querySelectorAll('{SECTION} .pm-count-part')]
                .map((p) => [p.dataset.component, parseInt(p.querySelector('dd').firstChild.textContent)]))"""
    )
    assert parts == {"embed": 688, "attn": 1024, "mlp": 2048, "output": 432}
    assert sum(parts.values()) == total
    # The code panel shows the script's own hyper, state_dict and params lines.
    open_code_panel(page, SECTION)
    marked = page.evaluate(
        f"() => [...document.querySelectorAll('{SECTION} .code-line.marked')].map((l) => l.textContent)"
    )
    assert any("state_dict = {" in line for line in marked) and any("params = [" in line for line in marked)
    assert any("n_layer = 1" in line for line in marked)
    page.click(f"{SECTION} .code-panel summary")
    page.hover(f'{SECTION} .pm-matrix[data-name="wte"]')
    page.evaluate("() => document.querySelector('.pm-matrices').scrollIntoView({behavior: 'instant', block: 'start'})")
    page.evaluate("() => window.scrollBy(0, -24)")
    page.screenshot(path=str(artifacts / "parameters-section.png"))
    assert rec.errors == []


def test_hover_shows_the_matrix_and_the_zoom_reads_each_cell_from_python(open_page, built_page, artifacts):
    rec, _ = open_section(open_page, built_page.as_uri())
    page = rec.page
    shapes = bridge_shapes(rec)
    for name in ("layer0.mlp_fc1", "lm_head", "layer0.mlp_fc2", "wpe"):
        page.hover(f'{SECTION} .pm-matrix[data-name="{name}"]')
        shown = page.evaluate(
            f"""() => {{ const i = document.querySelector('{SECTION} .pm-inspector');
                        const c = i.querySelector('canvas');
                        return [i.dataset.matrix, +c.dataset.rows, +c.dataset.cols, i.textContent]; }}"""
        )
        assert shown[:3] == [name, *shapes[name]]
        assert f"{shapes[name][0]} × {shapes[name][1]}" in shown[3]
    page.hover(f"{SECTION} .pm-inspector canvas")  # a cell's value in the tooltip
    assert page.is_visible(".tooltip") and page.text_content(".tooltip").startswith("wpe[")

    trigger = f'{SECTION} .pm-matrix[data-name="wte"]'
    page.click(trigger)
    assert zoom_is_open(page)
    assert page.evaluate(f"() => document.activeElement === document.querySelector('{ZOOM} canvas')")
    assert zoom_shape(page) == shapes["wte"]
    for row, col in ((0, 0), (4, 7), (26, 15), (13, 2)):
        shown = hover_cell(page, row, col)
        assert float(shown["data"]) == float(py(rec, f"state_dict['wte'][{row}][{col}].data")), (row, col)
        assert "grad" not in shown  # untrained: only the value
    hover_cell(page, 4, 7)
    assert "parameter 71 of the flat list" in page.text_content(f"{ZOOM} .pm-readout-where")  # row 4 * 16 columns + 7
    page.screenshot(path=str(artifacts / "parameters-zoom.png"))
    # The arrow keys move the cursor too.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    assert "row 5 (f), column 8" in page.text_content(f"{ZOOM} .pm-readout-where")
    page.keyboard.press("Escape")
    assert not zoom_is_open(page)
    assert page.evaluate(f"() => document.activeElement === document.querySelector('{trigger}')")
    # The close button closes it as well.
    page.click(f'{SECTION} .pm-matrix[data-name="layer0.attn_wq"]')
    assert zoom_is_open(page) and page.text_content(f"{ZOOM} .modal-title") == "layer0.attn_wq"
    page.click(f"{ZOOM} .modal-close")
    assert not zoom_is_open(page)
    assert rec.errors == []


def test_the_heatmaps_follow_training_steps(open_page, built_page, artifacts):
    rec, _ = open_section(open_page, built_page.as_uri())
    page = rec.page
    page.click(f'{SECTION} .pm-matrix[data-name="wte"]')
    before_pixels = page.evaluate(f"() => document.querySelector('{ZOOM} canvas').toDataURL()")
    before = hover_cell(page, 4, 7)
    count = refreshes(page)

    # The streaming `train` method announces each step with a 'step' event: the section refetches.
    answer = rec.call("train", {"steps": 1})
    assert answer["ok"] and answer["result"]["steps"] == 1, answer
    wait_until(page, lambda_refreshed(count))
    after = hover_cell(page, 4, 7)
    assert float(after["data"]) != float(before["data"])
    assert float(after["data"]) == float(py(rec, "state_dict['wte'][4][7].data"))
    assert page.evaluate(f"() => document.querySelector('{ZOOM} canvas').toDataURL()") != before_pixels
    # Trained: grad, m and v appear, equal to the script's own (grad was cleared by the update).
    assert float(after["m"]) == float(py(rec, "m[71]")) and float(after["v"]) == float(py(rec, "v[71]"))
    assert float(after["grad"]) == float(py(rec, "state_dict['wte'][4][7].grad"))
    assert "parameter 71 of the flat list" in page.text_content(f"{ZOOM} .pm-readout-where")
    # The moments by the script's own names.
    labels = texts_of(page, f"{ZOOM} .pm-readout-values dt")
    assert labels == ["wte[4][7].data", "wte[4][7].grad", "m[71]", "v[71]"]
    page.screenshot(path=str(artifacts / "parameters-zoom-trained.png"))

    # A plain `step` call is followed by the worker's 'model-changed' event: the section refetches.
    count = refreshes(page)
    assert rec.call("step", {"count": 1})["ok"]
    wait_until(page, lambda_refreshed(count))
    again = hover_cell(page, 4, 7)
    assert float(again["data"]) != float(after["data"])
    assert float(again["data"]) == float(py(rec, "state_dict['wte'][4][7].data"))
    page.keyboard.press("Escape")
    assert rec.errors == []


@pytest.fixture(scope="module")
def two_layer_page(tmp_path_factory) -> Path:
    """The guide built around an edited script: two transformer layers instead of one."""
    return edited_page(tmp_path_factory, "two-layers", "n_layer = 1", "n_layer = 2")


def test_an_edited_script_with_two_layers_draws_its_own_matrices(open_page, two_layer_page, artifacts):
    rec, info = open_section(open_page, two_layer_page.as_uri())
    page = rec.page
    shapes = bridge_shapes(rec)
    assert len(shapes) == 15
    groups = page.evaluate(
        f"""() => [...document.querySelectorAll('{SECTION} .pm-group')].map((g) =>
                [g.dataset.group, [...g.querySelectorAll('.pm-matrix')].map((b) => b.dataset.name)])"""
    )
    assert [g[0] for g in groups] == ["embed", "layer 0", "layer 1", "output"]
    leaves = ("attn_wq", "attn_wk", "attn_wv", "attn_wo", "mlp_fc1", "mlp_fc2")
    assert groups[2][1] == [f"layer1.{leaf}" for leaf in leaves]
    total = int(py(rec, "len(params)"))
    assert total == info["params"]["count"] == 688 + 432 + 2 * (1024 + 2048)
    assert page.text_content(f"{SECTION} .pm-count-total dd") == str(total)
    # The second layer's cells are read from the right place in the flat params list.
    page.click(f'{SECTION} .pm-matrix[data-name="layer1.mlp_fc2"]')
    assert zoom_shape(page) == [16, 64]
    shown = hover_cell(page, 9, 40)
    assert float(shown["data"]) == float(py(rec, "state_dict['layer1.mlp_fc2'][9][40].data"))
    page.keyboard.press("Escape")
    page.hover(f'{SECTION} .pm-matrix[data-name="layer1.attn_wv"]')
    # A later layer's matrix is described by its layer-0 twin's statement.
    purpose = page.text_content(f"{SECTION} .pm-inspector .pm-purpose")
    assert "state_dict[f'layer{li}.attn_wv']" in purpose and "layer 1" in purpose
    page.evaluate("() => document.querySelector('.pm-matrices').scrollIntoView({behavior: 'instant', block: 'start'})")
    page.evaluate("() => window.scrollBy(0, -24)")
    page.screenshot(path=str(artifacts / "parameters-two-layers.png"))
    assert rec.errors == []


def drawn_matrices(page):
    return page.evaluate(
        f"""() => Object.fromEntries([...document.querySelectorAll('{SECTION} .pm-matrix')].map((b) =>
              [b.dataset.name, [...b.classList].find((c) => c.startsWith('flow-'))]))"""
    )


def groups_drawn(page):
    return page.evaluate(f"() => [...document.querySelectorAll('{SECTION} .pm-group')].map((g) => g.dataset.group)")


def params_value(rec, name, row, col):
    """A cell's value as the bridge reads the script's parameters (layout offset + row-major)."""
    answer = rec.call("params")["result"]
    m = next(m for m in answer["layout"] if m["name"] == name)
    return answer["data"][str(m["offset"] + row * m["cols"] + col)] if isinstance(answer["data"], dict) \
        else answer["data"][m["offset"] + row * m["cols"] + col]


def test_a_model_of_classes_is_drawn_by_role(open_page, tmp_path_factory, artifacts):
    """Names like blocks[0].attn.wq.w: the roles come from the statements that use them."""
    rec, info = open_variant(open_page, tmp_path_factory, "model_classes_gelu")
    page = rec.page
    wait_until(page, lambda_refreshed(0))
    page.evaluate("() => document.getElementById('parameters').scrollIntoView({behavior: 'instant'})")
    layout = info["params"]["layout"]
    flows = drawn_matrices(page)
    assert sorted(flows) == sorted(m["name"] for m in layout)
    assert flows["wte.w"] == flows["wpe.w"] == "flow-embed"
    assert flows["lm_head.w"] == "flow-loss"
    assert all(flows[n] == "flow-attn" for n in flows if ".attn." in n)
    assert all(flows[n] == "flow-mlp" for n in flows if ".mlp." in n)
    assert groups_drawn(page) == ["embed", "layer 0", "output"]
    page.hover(f'{SECTION} .pm-matrix[data-name="blocks[0].attn.wq.w"]')
    purpose = page.text_content(f"{SECTION} .pm-inspector .pm-purpose")
    assert "self.wq(x)" in purpose and "Attention.__call__" in purpose
    page.hover(f'{SECTION} .pm-matrix[data-name="wte.w"]')
    assert "by the token id" in page.text_content(f"{SECTION} .pm-inspector .pm-purpose")
    assert page.text_content(f"{SECTION} .pm-count-total dd") == str(info["params"]["count"]) == "4192"
    # The zoom reads a cell from its place in the flat list.
    page.click(f'{SECTION} .pm-matrix[data-name="blocks[0].mlp.fc1.w"]')
    assert zoom_shape(page) == [64, 16]
    shown = hover_cell(page, 40, 9)
    assert float(shown["data"]) == params_value(rec, "blocks[0].mlp.fc1.w", 40, 9)
    page.keyboard.press("Escape")
    page.evaluate("() => document.querySelector('.pm-matrices').scrollIntoView({behavior: 'instant', block: 'start'})")
    page.screenshot(path=str(artifacts / "parameters-classes.png"))
    assert rec.errors == []


def test_tied_embeddings_show_the_token_table_as_the_output(open_page, tmp_path_factory, artifacts):
    """No output matrix of its own: the output reuses the token table, and the page says so."""
    rec, info = open_variant(open_page, tmp_path_factory, "tied_embeddings")
    page = rec.page
    wait_until(page, lambda_refreshed(0))
    page.evaluate("() => document.getElementById('parameters').scrollIntoView({behavior: 'instant'})")
    assert info["roles"]["output"] == "wte"
    flows = drawn_matrices(page)
    assert "lm_head" not in flows and flows["wte"] == "flow-embed"
    assert groups_drawn(page) == ["embed", "layer 0", "output"]
    assert page.get_attribute(f"{SECTION} .pm-tied-ref", "data-name") == "wte"
    page.hover(f"{SECTION} .pm-tied-ref")
    chips = texts_of(page, f"{SECTION} .pm-inspector .pm-component")
    assert chips == ["embeddings", "output"]
    purpose = page.text_content(f"{SECTION} .pm-inspector .pm-purpose")
    assert "tied weights" in purpose and "logits = linear(x, state_dict['wte'])" in purpose
    parts = page.evaluate(
        f"""() => Object.fromEntries([...document.querySelectorAll('{SECTION} .pm-count-part')]
                .map((p) => [p.dataset.component, parseInt(p.querySelector('dd').firstChild.textContent)]))"""
    )
    assert parts == {"embed": 688, "attn": 1024, "mlp": 2048}
    assert page.text_content(f"{SECTION} .pm-count-total dd") == str(info["params"]["count"]) == "3760"
    page.evaluate("() => document.querySelector('.pm-matrices').scrollIntoView({behavior: 'instant', block: 'start'})")
    page.screenshot(path=str(artifacts / "parameters-tied.png"))
    assert rec.errors == []
