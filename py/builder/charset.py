"""The page's character encoding: windows-1252, one byte per character, so that the binary
assets cost one byte of the file per byte of data (builder/text8.py) instead of 8/7 (UTF-8 can
only carry 7 bits a byte without multi-byte sequences).

Everything else in the page is written in ASCII, so that it reads the same in any encoding:
prose outside <script> and <style> with character references (`&#x2014;`), stylesheets with CSS
escapes (`\\002014`), and scripts and JSON are ASCII already (esbuild's --charset=ascii,
json_for_html). `encode_page` checks that and returns the file's bytes.
"""

import re

META = '<meta charset="windows-1252">'
_UTF8_META = re.compile(r'<meta charset="utf-8">', re.IGNORECASE)
# <script>/<style> elements whole; the text between them is prose and markup.
_RAW = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2>)", re.DOTALL | re.IGNORECASE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
BINARY_ENCODING = re.compile(r'data-encoding="[a-z]+\+text8"')


def declare(html: str) -> str:
    """The template's UTF-8 declaration replaced by windows-1252 (it must stay in the first
    1024 bytes, where the browser looks for it)."""
    if len(_UTF8_META.findall(html)) != 1:
        raise SystemExit('index.html must declare <meta charset="utf-8"> exactly once')
    html = _UTF8_META.sub(META, html)
    if html.find(META) > 900:
        raise SystemExit("the charset declaration must stay near the top of index.html")
    return html


def _prose(text: str) -> str:
    return _NON_ASCII.sub(lambda m: f"&#x{ord(m.group(0)):x};", text)


def _css(text: str) -> str:
    return _NON_ASCII.sub(lambda m: f"\\{ord(m.group(0)):06x}", text)


def encode_page(html: str) -> bytes:
    """The file's bytes: binary script blocks as their bytes, the rest in ASCII."""
    out, at = [], 0
    for m in _RAW.finditer(html):
        out.append(_prose(html[at:m.start()]))
        opening, kind, body, closing = m.group(1), m.group(2).lower(), m.group(3), m.group(4)
        if kind == "style":
            body = _css(body)
        elif not BINARY_ENCODING.search(opening) and _NON_ASCII.search(body):
            bad = _NON_ASCII.search(body)
            raise ValueError(f"a script block {opening[:80]!r} holds {bad.group(0)!r}, which is not ASCII: "
                             "escape it where it is made")
        out.append(opening + body + closing)
        at = m.end()
    out.append(_prose(html[at:]))
    return "".join(out).encode("latin-1")
