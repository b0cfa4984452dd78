"""The chapters are folders put into the page in the order of js/sections/index.js (builder/chapters.py):
the real ones compose to one page with each chapter once, and a made-up chapter tree shows that the
list alone decides order, numbers and contents, and that a malformed chapter is refused by name."""

import re
import sys
from pathlib import Path

import pytest
from builder import chapters
from builder.paths import TEMPLATE

CHAPTER = """<section class="chapter" id="{id}" data-section="{id}" aria-labelledby="{id}-title">
  <p class="chapter-num">Chapter <!--build:chapter-number--></p>
  <h2 id="{id}-title">{title}</h2>
  <p>Prose of {id}.</p>
  <div class="live" data-live="{id}"></div>
</section>
"""
PAGE = """<ol>
  <!--build:toc-->
</ol>
<main>
    <!--build:chapters-->
</main>
"""


def make_tree(tmp_path: Path, order: list[str], titles: dict[str, str]) -> Path:
    root = tmp_path / "sections"
    root.mkdir(parents=True)
    lines = [f"import * as {cid} from './{cid}/index.js';" for cid in titles]
    lines.append(f"export const sections = [{', '.join(order)}];")
    (root / "index.js").write_text("\n".join(lines) + "\n")
    for cid, title in titles.items():
        (root / cid).mkdir()
        (root / cid / "index.js").write_text(f"export const id = '{cid}';\n")
        (root / cid / "chapter.html").write_text(CHAPTER.format(id=cid, title=title))
    return root


def test_the_list_decides_order_numbers_and_contents(tmp_path):
    titles = {"alpha": "First &amp; foremost", "beta": "Second"}
    for order in (["alpha", "beta"], ["beta", "alpha"]):
        root = make_tree(tmp_path / "-".join(order), order, titles)
        page = chapters.compose(PAGE, root)
        assert re.findall(r'data-nav="(\w+)"><span class="toc-num">(\d)</span>', page) == [(c, str(n)) for n, c in
                                                                                            enumerate(order, 1)]
        assert re.findall(r'<section class="chapter" id="(\w+)"', page) == order
        assert [f"Chapter {n}" for n in range(1, 3)] == re.findall(r"Chapter \d", page)
        assert f"> {titles[order[0]]}</a></li>" in page  # the contents use the chapter's own title
        assert "<!--build:" not in page
        assert "\n    <section" in page and "\n  <li>" in page  # the markers' indentation is kept


def test_a_folder_left_out_of_the_list_is_not_on_the_page(tmp_path):
    root = make_tree(tmp_path, ["alpha"], {"alpha": "A", "beta": "B"})
    assert 'id="beta"' not in chapters.compose(PAGE, root)


@pytest.mark.parametrize("breakage, says", [
    (lambda d: (d / "chapter.html").unlink(), "has no chapter.html"),
    (lambda d: (d / "index.js").write_text("export const id = 'other';\n"), "export const id = 'beta';"),
    (lambda d: (d / "chapter.html").write_text(CHAPTER.format(id="beta", title="B").replace(
        "<!--build:chapter-number-->", "2")), "<!--build:chapter-number--> once"),
    (lambda d: (d / "chapter.html").write_text(CHAPTER.format(id="beta", title="B").replace(
        'data-live="beta"', 'data-live="x"')), 'data-live="beta"'),
])
def test_a_malformed_chapter_is_refused_with_what_it_lacks(tmp_path, breakage, says):
    root = make_tree(tmp_path, ["alpha", "beta"], {"alpha": "A", "beta": "B"})
    breakage(root / "beta")
    with pytest.raises(chapters.ChapterError, match=re.escape(says)):
        chapters.compose(PAGE, root)


@pytest.mark.skipif(sys.platform == "emscripten", reason="reads js/, which the Pyodide run does not copy")
def test_the_real_chapters_compose_into_the_page_once_each():
    listed = chapters.section_list()
    folders = sorted(p.parent.name for p in chapters.SECTIONS_DIR.glob("*/index.js"))
    assert sorted(listed) == folders, "every chapter folder is in js/sections/index.js's list, and only those"
    page = chapters.compose(TEMPLATE.read_text(encoding="utf-8"))
    for number, cid in enumerate(listed, 1):
        assert page.count(f'data-section="{cid}"') == 1
        assert page.count(f'data-nav="{cid}"') == 1
        assert f'<span class="toc-num">{number}</span>' in page
    assert "<!--build:chapter" not in page and "<!--build:toc" not in page
