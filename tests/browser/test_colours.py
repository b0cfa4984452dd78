"""The four data-flow colours (blue embeddings, green attention, orange MLP, red loss and
gradients) are for the data flow only (issue 23, point 8): a heatmap's diverging scale, the
optimizer's update and the autograd playground's inputs and operations use none of them, and
every colour is defined once, in styles/tokens.css."""

import colorsys
import re
from pathlib import Path

import pytest
from helpers import wait_until

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FLOW = ["--flow-embed", "--flow-attn", "--flow-mlp", "--flow-loss"]

# The computed colour of a property of the first element matching a selector, or a custom property.
COLOUR = """([selector, prop]) => {
    const el = document.querySelector(selector);
    if (!el) return null;
    const style = getComputedStyle(el);
    return prop.startsWith('--') ? style.getPropertyValue(prop).trim() : style[prop];
}"""


def rgb(text):
    text = text.strip()
    if text.startswith("#"):
        return tuple(int(text[i:i + 2], 16) for i in (1, 3, 5))
    return tuple(int(float(x)) for x in re.findall(r"[\d.]+", text)[:3])


def far_from_flow(colour, flows):
    """A neutral (little saturation) or a hue at least 30 degrees from every data-flow hue."""
    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in rgb(colour)))
    if s < 0.3:
        return True
    for flow in flows:
        fh, _, _ = colorsys.rgb_to_hsv(*(c / 255 for c in rgb(flow)))
        if min(abs(h - fh), 1 - abs(h - fh)) * 360 < 30:
            return False
    return True


def test_data_flow_colours_are_for_the_data_flow_only(open_page, built_page):
    rec = open_page(built_page.as_uri())
    rec.wait_ready()
    page = rec.page
    wait_until(page, "() => document.querySelector('.ag-toy')?.dataset.state === 'ready'"
                     " && document.querySelector('[data-live=\"parameters\"] canvas.heatmap')"
                     " && document.querySelector('[data-live=\"training\"] .tr-phase')")
    flows = [page.evaluate(COLOUR, [":root", name]) for name in FLOW]
    assert all(flows), flows
    checks = {
        "heatmap negative": ['[data-live="parameters"] canvas.heatmap', "--heat-negative"],
        "heatmap positive": ['[data-live="parameters"] canvas.heatmap', "--heat-positive"],
        "vector cells negative": [".vc-grid", "--heat-negative"],
        "Adam update phase": ['.tr-phase[data-phase="train.update"]', "borderTopColor"],
        "forward phase": ['.tr-phase[data-phase="train.forward"]', "borderTopColor"],
        "autograd operation": [".ag-toy .dag-node.role-expr .dag-box", "stroke"],
        "autograd input": [".ag-toy .dag-node.role-input .dag-box", "stroke"],
        "autograd input slider": [".ag-slider-name", "color"],
    }
    seen = {}
    for name, (selector, prop) in checks.items():
        value = page.evaluate(COLOUR, [selector, prop])
        if value is None and selector == ".vc-grid":
            continue  # drawn only once the step-through has run
        assert value, f"{name}: nothing at {selector}"
        seen[name] = value
        assert far_from_flow(value, flows), f"{name} is {value}, a data-flow hue ({flows})"
    # The heatmap's two signs differ from each other.
    assert rgb(seen["heatmap negative"]) != rgb(seen["heatmap positive"])
    assert not rec.errors, rec.errors


def test_colours_are_defined_once_in_tokens_css():
    tokens = (ROOT / "styles" / "tokens.css").read_text()
    literals = {}
    for name in FLOW:
        value = re.search(rf"{name}:\s*(#[0-9a-fA-F]{{6}})", tokens).group(1)
        r, g, b = rgb(value)
        literals[name] = [value.lower(), f"{r}, {g}, {b}"]
    offenders = []
    for path in [*(ROOT / "styles").glob("*.css"), *(ROOT / "js").rglob("*.js")]:
        if path.name == "tokens.css":
            continue
        text = path.read_text().lower()
        for name, forms in literals.items():
            if any(form in text for form in forms):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders, offenders
