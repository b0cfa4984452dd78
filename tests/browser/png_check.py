"""Whether a screenshot shows a drawn page, read from the PNG's own numbers (the three engines'
drivers each write their own PNGs; no image library is needed).

A page that painted nothing (one flat colour, or a band of it) compresses to almost nothing:
the Firefox screenshot of a collapsed page was 25 KB for 1440x900 pixels, 1/155 of its raw size.
The guide's chapters, with their anti-aliased text and widgets, compress to 1/20-1/50."""

import struct


def compression_ratio(path) -> float:
    """Raw pixel bytes (width x height x channels) over the compressed image data's bytes."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    at, compressed, raw = 8, 0, 0
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", data[at + 8:at + 18])
            channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour, 1)
            raw = width * height * channels * depth // 8
        elif kind == b"IDAT":
            compressed += length
        at += 12 + length
    return raw / max(compressed, 1)


# Far from both: drawn chapters measure 20-50 (every screenshot of a CI run: 11-43), a blank
# page 150+.
BLANK_RATIO = 90
# A full-page screenshot is mostly the dark margins beside the text column: the drawn page
# measures ~135:1; blank, that much page would be thousands to one.
BLANK_RATIO_FULL_PAGE = 400


def assert_drawn(path, limit=BLANK_RATIO) -> None:
    ratio = compression_ratio(path)
    assert ratio < limit, f"{path.name} looks blank: it compresses {ratio:.0f}:1 (a drawn page: 11-43:1)"
