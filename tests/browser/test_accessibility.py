"""axe-core (pinned in package.json, run from node_modules) on the whole built page once every
chapter drew: no "serious" or "critical" violation. The page's own CSP stays as it is: axe's
source goes in through Playwright's evaluate (the CDP, not a <script> the policy would refuse)."""

from pathlib import Path

import pytest
from settle import settle

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}

RUN_AXE = """async () => {
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), why: n.failureSummary })),
    }));
}"""


def describe(violations):
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} node(s))")
        lines += [f"    {n['target']}: {' '.join(n['why'].split())}" for n in v["nodes"]]
    return "\n".join(lines)


# A desktop, and a phone: there the sidebar folds and some wide tables scroll in their cards.
SIZES = [(1440, 900), (390, 844)]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_axe_finds_no_serious_violation(open_page, built_page, size):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    rec = open_page(built_page.as_uri(), viewport=size)
    settle(rec)
    page = rec.page
    # Indirect eval runs axe's UMD source at global scope, so it defines window.axe. The page's
    # CSP has no 'unsafe-eval', but code evaluated through the DevTools protocol (Playwright's
    # evaluate) may eval: the policy stays as it is for the page's own scripts.
    page.evaluate("(source) => { (0, eval)(source); }", AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(RUN_AXE)
    print(describe(violations) or "axe: no violations")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, "axe found serious/critical violations:\n" + describe(blocking)

    # Colour is never the only carrier: a heatmap cell reached with the arrow keys is said in
    # words (a live region next to the canvas), with the number the tooltip shows a mouse user.
    heatmap = page.locator("#attention .at-head canvas").first
    heatmap.focus()
    page.keyboard.press("ArrowDown")
    said = page.evaluate(
        "() => document.querySelector('#attention .at-head canvas + [aria-live]')?.textContent ?? ''"
    )
    assert said.startswith("row ") and any(ch.isdigit() for ch in said.split(":")[-1]), said
    assert not rec.errors, rec.errors
