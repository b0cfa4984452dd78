"""Binary data in the HTML file at one byte of the file per byte of data ("text8").

The page is declared windows-1252 (builder/charset.py), a single-byte encoding in which every one
of the 256 bytes decodes to a character, so a byte of data can be written into a <script>
element as itself. The exceptions are the few bytes the HTML parser changes or acts on there:
NUL (becomes U+FFFD), CR (becomes LF) and "<" (could start `</script` or `<!--`). Each of these,
and the escape byte itself, is written as ESC followed by a letter: 4 bytes in 256 take two, so
the text is ~1.016 times the size of the data (text7, the encoding before this one: 8/7; base64:
4/3).

Python builds the page as a str whose binary parts are these bytes read as Latin-1 (code point =
byte) and writes the file as Latin-1 (builder/charset.py checks that everything else is ASCII).
The browser reads the bytes back as windows-1252, which differs from Latin-1 in 0x80-0x9F (27 of
those bytes are letters such as U+20AC): the page maps each character back to its byte with a
table it makes from its own windows-1252 decoder (js/codec/text8.js).
"""

import re

ESC = 0x1B
# byte -> the letter that stands for it after ESC
ESCAPED = {0x00: ord("0"), 0x0D: ord("1"), ord("<"): ord("2"), ESC: ord("3")}
_UNESCAPED = {v: k for k, v in ESCAPED.items()}
_TO_ESCAPE = re.compile(rb"[\x00\x0d<\x1b]")
_ESCAPE_PAIR = re.compile(rb"\x1b(.)", re.DOTALL)


def encode(data: bytes) -> str:
    """The page text for `data`: each character's code point is one byte of the file."""
    escaped = _TO_ESCAPE.sub(lambda m: bytes((ESC, ESCAPED[m.group(0)[0]])), data)
    return escaped.decode("latin-1")


def decode(text: str) -> bytes:
    """The inverse, from the text as Python wrote it (Latin-1 code points); used by the tests."""
    return _ESCAPE_PAIR.sub(lambda m: bytes((_UNESCAPED[m.group(1)[0]],)), text.encode("latin-1"))
