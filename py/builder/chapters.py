"""The guide's chapters, put into the page in the order of the section list.

A chapter is one folder, js/sections/<id>/: its module (index.js: {id, firstCalls, createSection}),
its parts, its first calls (first-calls.js), its prose and live area (chapter.html) and its styles
(chapter.css, optional). js/sections/index.js is the one list of chapters, in page order; the
build reads that list and writes each chapter.html at index.html's <!--build:chapters-->, a link
to it at <!--build:toc-->, and its number (its place in the list) at the chapter's
<!--build:chapter-number-->. Adding a chapter is its folder plus a line in the list.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from builder.paths import JS_DIR

SECTIONS_DIR = JS_DIR / "sections"
NUMBER = "<!--build:chapter-number-->"
# `import * as name from './<folder>/index.js';` and `export const sections = [name, ...];`
IMPORT = re.compile(r"^import \* as (\w+) from '\./([\w-]+)/index\.js';", re.MULTILINE)
LIST = re.compile(r"^export const sections = \[([^\]]*)\];", re.MULTILINE)
MODULE_ID = re.compile(r"^export const id = '([\w-]+)';", re.MULTILINE)
TITLE = re.compile(r'<h2 id="([\w-]+)-title">(.*?)</h2>', re.DOTALL)


class ChapterError(SystemExit):
    """A chapter folder the page cannot be built from; the message says what is wrong."""


@dataclass(frozen=True)
class Chapter:
    id: str
    number: int
    title: str  # the <h2>'s inner HTML, as written in chapter.html
    html: str  # chapter.html with its number filled in
    css: Path | None


def section_list(sections_dir: Path = SECTIONS_DIR) -> list[str]:
    """The chapters' folder names in page order, as js/sections/index.js lists them."""
    source = (sections_dir / "index.js").read_text(encoding="utf-8")
    folders = dict(IMPORT.findall(source))
    listed = LIST.search(source)
    if not listed:
        raise ChapterError("js/sections/index.js must say `export const sections = [...];`")
    names = [name.strip() for name in listed.group(1).split(",") if name.strip()]
    unknown = [name for name in names if name not in folders]
    if unknown:
        raise ChapterError(f"js/sections/index.js lists {unknown} without "
                           "`import * as <name> from './<folder>/index.js'`")
    return [folders[name] for name in names]


def read_chapter(folder: Path, number: int) -> Chapter:
    cid = folder.name
    where = f"js/sections/{cid}"
    module = folder / "index.js"
    page = folder / "chapter.html"
    for needed in (module, page):
        if not needed.is_file():
            raise ChapterError(f"{where}/ has no {needed.name}: a chapter is index.js (its module) "
                               "and chapter.html (its prose)")
    declared = MODULE_ID.search(module.read_text(encoding="utf-8"))
    if not declared or declared.group(1) != cid:
        raise ChapterError(f"{where}/index.js must say `export const id = '{cid}';` (the folder's name)")
    html = page.read_text(encoding="utf-8")
    opening = f'<section class="chapter" id="{cid}" data-section="{cid}" aria-labelledby="{cid}-title">'
    if not html.lstrip().startswith(opening) or html.count("<section") != 1:
        raise ChapterError(f"{where}/chapter.html must be one section that opens with {opening}")
    title = TITLE.search(html)
    if not title or title.group(1) != cid:
        raise ChapterError(f'{where}/chapter.html needs its title as <h2 id="{cid}-title">…</h2>')
    if html.count(NUMBER) != 1:
        raise ChapterError(f"{where}/chapter.html must hold {NUMBER} once (where its number goes)")
    if f'data-live="{cid}"' not in html:
        raise ChapterError(f'{where}/chapter.html needs the element the chapter draws in: data-live="{cid}"')
    css = folder / "chapter.css"
    return Chapter(cid, number, " ".join(title.group(2).split()), html.replace(NUMBER, str(number)),
                   css if css.is_file() else None)


def chapters(sections_dir: Path = SECTIONS_DIR) -> list[Chapter]:
    return [read_chapter(sections_dir / cid, n) for n, cid in enumerate(section_list(sections_dir), start=1)]


def indent(text: str, spaces: int) -> str:
    return "\n".join((" " * spaces + line) if line else line for line in text.rstrip("\n").split("\n"))


def toc_entry(chapter: Chapter) -> str:
    return (f'<li><a href="#{chapter.id}" data-nav="{chapter.id}"><span class="toc-num">{chapter.number}</span> '
            f"{chapter.title}</a></li>")


def compose(html: str, sections_dir: Path = SECTIONS_DIR) -> str:
    """index.html with every chapter and its contents link in place (the markers' indentation kept)."""
    found = chapters(sections_dir)
    parts = {
        "<!--build:toc-->": "\n".join(toc_entry(c) for c in found),
        "<!--build:chapters-->": "\n\n".join(c.html.rstrip("\n") for c in found),
    }
    for marker, content in parts.items():
        at = re.findall(r"^( *)" + re.escape(marker) + "$", html, re.MULTILINE)
        if len(at) != 1:
            raise ChapterError(f"index.html must contain {marker} exactly once, on a line of its own")
        html = html.replace(at[0] + marker, indent(content, len(at[0])))
    return html


def stylesheets(sections_dir: Path = SECTIONS_DIR) -> list[Path]:
    return [c.css for c in chapters(sections_dir) if c.css]
