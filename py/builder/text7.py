"""Binary data as HTML text at 7 bits per byte of the file ("text7"), where base64 gives 6.

The embedded runtime is read from <script> elements with textContent, so any character may stand
for data except the few the HTML parser changes or acts on inside a script element: NUL (becomes
U+FFFD), CR (becomes LF) and "<" (could start `</script` or `<!--`). So the bits are cut into
7-bit groups and each group is written as the ASCII character with that code, which UTF-8 stores
in one byte. A group that would be one of the three forbidden characters is instead written
together with the group after it as one two-byte character: U+0100 + 128 * k + next, where k is
its index in FORBIDDEN (U+0100 + 384 + k when it is the last group). Both cases carry 7 bits per
byte of the file, so the text is 8/7 the size of the data (base64: 4/3).

The bytes come back in the worker (js/worker/text7.js); the last group's padding bits are fewer
than 8, so the byte count is implied by the number of groups.
"""

import re

FORBIDDEN = (0, 13, ord("<"))
PAIR_BASE = 0x100
LAST_BASE = PAIR_BASE + 128 * len(FORBIDDEN)

_FORBIDDEN_RUN = re.compile("[\x00\r<][\x00-\x7f]?")


def _pair(match: re.Match) -> str:
    text = match.group(0)
    k = FORBIDDEN.index(ord(text[0]))
    if len(text) == 2:
        return chr(PAIR_BASE + 128 * k + ord(text[1]))
    return chr(LAST_BASE + k)


def _groups(data: bytes) -> bytes:
    """The 7-bit groups of data, most significant bit first, one per byte.

    Done on the bits as a string of "0"/"1" so that the work is in C: each run of 7 bits gets a
    leading "0" bit by strided slice assignment, and the result is read back as bytes."""
    if not data:
        return b""
    count = -(-len(data) * 8 // 7)
    bits = format(int.from_bytes(data, "big"), "b").zfill(len(data) * 8).encode("ascii")
    bits = bits.ljust(count * 7, b"0")
    padded = bytearray(b"0" * (count * 8))
    for j in range(7):
        padded[j + 1::8] = bits[j::7]
    return int(padded, 2).to_bytes(count, "big")


def encode(data: bytes) -> str:
    # Every group is first one character; the regex then folds each forbidden one (about one
    # in 43) into the two-byte character for it and its successor, scanning left to right.
    return _FORBIDDEN_RUN.sub(_pair, _groups(data).decode("ascii"))


def decode(text: str) -> bytes:
    """The inverse, as the page does it; used by the tests."""
    groups = bytearray()
    for ch in text:
        c = ord(ch)
        if c < 128:
            groups.append(c)
        elif c >= LAST_BASE:
            groups.append(FORBIDDEN[c - LAST_BASE])
        else:
            v = c - PAIR_BASE
            groups += bytes((FORBIDDEN[v >> 7], v & 127))
    acc = 0
    bits = 0
    out = bytearray()
    for g in groups:
        acc = (acc << 7) | g
        bits += 7
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 255)
            acc &= (1 << bits) - 1
    return bytes(out)  # what is left in acc is the padding
