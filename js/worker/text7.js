// "text7": the page's binary assets as text carrying 7 bits per byte of the HTML file (base64
// carries 6). The format and why it avoids NUL, CR and "<" are described in py/builder/text7.py.
// A character below 128 is one 7-bit group; U+0100 + 128k + g is forbidden group k followed by
// group g; U+0100 + 384 + k is forbidden group k at the very end.

const FORBIDDEN = [0, 13, 60];
const PAIR_BASE = 0x100;
const LAST_BASE = PAIR_BASE + 128 * FORBIDDEN.length;

export function text7ToBytes(text) {
  // At most 14 bits per character; the exact length is known only at the end.
  const out = new Uint8Array(Math.ceil((text.length * 14) / 8));
  let acc = 0; // the pending bits, fewer than 8 between characters
  let bits = 0;
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
  // What is left in acc is the last group's padding.
  return out.subarray(0, n);
}
