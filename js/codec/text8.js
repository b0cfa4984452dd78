// "text8": the page's binary assets as one byte of the HTML file per byte of data. The page is
// windows-1252, so each byte is one character; NUL, CR, "<" and the escape byte itself are
// written as ESC + a letter. The format, and why those four, are described in py/builder/text8.py.

const ESC = 0x1b;
const UNESCAPED = { 0x30: 0x00, 0x31: 0x0d, 0x32: 0x3c, 0x33: ESC }; // letter after ESC -> byte

// The byte each character stands for, made with the browser's own windows-1252 decoder (the one
// that read the page): most bytes are their own code point, 27 of 0x80-0x9F are letters such as
// U+20AC, and the largest code point is U+2122.
const BYTE_OF = (() => {
  const chars = new TextDecoder('windows-1252').decode(Uint8Array.from({ length: 256 }, (_, i) => i));
  const table = new Int16Array(0x2123).fill(-1);
  for (let b = 0; b < 256; b++) table[chars.charCodeAt(b)] = b;
  return table;
})();

// The inverse, for the page's own writing ("Download guide" embeds runs): each byte as the
// character windows-1252 reads it as, the four special bytes as ESC + a letter. The result goes
// back to bytes through windows1252Blob below.
const CHAR_OF = (() => {
  const chars = new TextDecoder('windows-1252').decode(Uint8Array.from({ length: 256 }, (_, i) => i));
  const escaped = Object.fromEntries(Object.entries(UNESCAPED).map(([letter, byte]) => [byte, chars[ESC] + chars[Number(letter)]]));
  return Array.from({ length: 256 }, (_, b) => escaped[b] ?? chars[b]);
})();

export function bytesToText8(bytes) {
  const parts = [];
  for (let i = 0; i < bytes.length; i += 0x8000) {
    let piece = '';
    for (const b of bytes.subarray(i, i + 0x8000)) piece += CHAR_OF[b];
    parts.push(piece);
  }
  return parts.join('');
}

function corrupt() {
  return new Error('An embedded asset is corrupt: the page was changed or saved in another character encoding.');
}

// Decodes text that may come in pieces (the page hands over a large asset as the parser reads
// it): an ESC at the very end of a piece waits for the letter at the start of the next one.
export class Text8Decoder {
  constructor() {
    this.escaped = false;
  }

  push(text) {
    const out = new Uint8Array(text.length);
    let n = 0;
    let escaped = this.escaped;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const b = c < 0x2123 ? BYTE_OF[c] : -1;
      if (b < 0) throw corrupt();
      if (escaped) {
        const original = UNESCAPED[b];
        if (original === undefined) throw corrupt();
        out[n++] = original;
        escaped = false;
      } else if (b === ESC) {
        escaped = true;
      } else {
        out[n++] = b;
      }
    }
    this.escaped = escaped;
    return out.subarray(0, n);
  }
}

export function text8ToBytes(text) {
  const decoder = new Text8Decoder();
  const bytes = decoder.push(text);
  if (decoder.escaped) throw corrupt();
  return bytes;
}

// The page (as a string the DOM serialized) back to the bytes of a windows-1252 file, for
// "Download guide": each character that the encoding has becomes its byte (the binary blocks
// come back exactly); any other one can only be in the prose (the build wrote everything else in
// ASCII and the learner's script is escaped by the caller) and becomes a character reference.
export function windows1252Blob(html, type) {
  const parts = [];
  let start = 0;
  const out = new Uint8Array(html.length);
  let n = 0;
  for (let i = 0; i < html.length; i++) {
    const c = html.charCodeAt(i);
    const b = c < 0x2123 ? BYTE_OF[c] : -1;
    if (b >= 0) {
      out[n++] = b;
      continue;
    }
    const code = html.codePointAt(i);
    if (code > 0xffff) i++;
    parts.push(out.slice(start, n));
    parts.push(new TextEncoder().encode(`&#x${code.toString(16)};`));
    start = n;
  }
  parts.push(out.slice(start, n));
  return new Blob(parts, { type });
}
