// "text7": the page's binary assets as text carrying 7 bits per byte of the HTML file (base64
// carries 6). The format and why it avoids NUL, CR and "<" are described in py/builder/text7.py.
// A character below 128 is one 7-bit group; U+0100 + 128k + g is forbidden group k followed by
// group g; U+0100 + 384 + k is forbidden group k at the very end.

const FORBIDDEN = [0, 13, 60];
const PAIR_BASE = 0x100;
const LAST_BASE = PAIR_BASE + 128 * FORBIDDEN.length;

// Decodes text that may come in pieces (the page hands over a large asset as the parser reads
// it): the bits of a character that straddles two bytes carry over to the next piece.
export class Text7Decoder {
  constructor() {
    this.acc = 0; // the pending bits, fewer than 8 between characters
    this.bits = 0;
  }

  // The bytes completed by this piece of text. What is left pending at the very end is the last
  // group's padding.
  push(text) {
    // At most 14 bits per character (plus fewer than 8 pending).
    const out = new Uint8Array(Math.ceil((text.length * 14 + this.bits) / 8));
    let { acc, bits } = this;
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        acc = (acc << 7) | c;
        bits += 7;
      } else if (c >= LAST_BASE) {
        acc = (acc << 7) | FORBIDDEN[c - LAST_BASE];
        bits += 7;
      } else {
        const v = c - PAIR_BASE;
        acc = (acc << 14) | (FORBIDDEN[v >> 7] << 7) | (v & 127);
        bits += 14;
      }
      while (bits >= 8) {
        bits -= 8;
        out[n++] = acc >>> bits;
      }
      acc &= (1 << bits) - 1;
    }
    Object.assign(this, { acc, bits });
    return out.subarray(0, n);
  }
}

export function text7ToBytes(text) {
  return new Text7Decoder().push(text);
}
