// An LZMA ("LZMA-alone", .lzma) decoder, so the page can carry its largest assets (the
// WebAssembly runtime, the stdlib zip) LZMA-compressed: ~25 % smaller than the best gzip, which
// is all a browser can undo natively. The build writes the real size into the header (see
// py/builder/compress.py), so the output is one buffer allocated up front that doubles as the
// dictionary, and decoding can stop at any point and resume: `decodeSome` produces the next
// slice, which lets a stream hand the wasm to the compiler while the rest is still being decoded.
//
//   const d = new LzmaDecoder(bytes);  d.size;  d.decodeSome(maxBytes) -> Uint8Array | null
//   lzmaDecode(bytes) -> Uint8Array    (all at once)

const PROB_INIT = 1024; // probabilities are 11-bit: 1024 = one half
const STATES = 12;
const POS_STATES_MAX = 16;
const LEN_TO_DIST_STATES = 4;
const END_DIST_MODEL = 14; // distance slots below this code their low bits with a bit tree
const FULL_DISTANCES = 128;
const ALIGN_BITS = 4;
// The range coder's 32-bit unsigned values are kept as int32 bits, so that every engine works on
// integers, never doubles; flipping the sign bit turns an unsigned comparison into a signed one.
const SIGN = 0x80000000 | 0;

function probs(n) {
  return new Uint16Array(n).fill(PROB_INIT);
}

// A match length: 2..273, coded as low (8 values per position state), mid (8) or high (256).
class LengthCoder {
  constructor() {
    this.choice = probs(2);
    this.low = probs(POS_STATES_MAX << 3);
    this.mid = probs(POS_STATES_MAX << 3);
    this.high = probs(256);
  }
}

// Input may come in pieces (`complete: false`, then `append`, then `finish`): decoding stops
// this far short of the input's end until the rest is there. One symbol reads far less.
const INPUT_MARGIN = 256;
const PAD = 16;

export class LzmaDecoder {
  constructor(input, { complete = true } = {}) {
    if (input.length < 13) throw new Error('LZMA data is truncated (no header)');
    let props = input[0];
    if (props >= 9 * 5 * 5) throw new Error('LZMA header is corrupt');
    this.lc = props % 9; props = (props / 9) | 0;
    this.lp = props % 5;
    this.pb = (props / 5) | 0;
    // Bytes 1-4: dictionary size, unused here (the whole output is the dictionary).
    const view = new DataView(input.buffer, input.byteOffset + 5, 8);
    const low = view.getUint32(0, true);
    const high = view.getUint32(4, true);
    if (high === 0xffffffff && low === 0xffffffff) throw new Error('LZMA data without its size (the build writes it)');
    this.size = high * 2 ** 32 + low;
    this.out = new Uint8Array(this.size);
    this.pos = 0;

    // A few zero bytes past the end, so the hot loop needs no bounds check (see decodeSome).
    this.input = new Uint8Array(input.length + PAD);
    this.input.set(input);
    this.inputEnd = input.length;
    this.complete = complete;
    this.inPos = 13;
    if (input[this.inPos] !== 0) throw new Error('LZMA stream is corrupt');
    // range and code live in a typed array: as plain fields, values above 2^30 would be boxed.
    this.rc = new Int32Array(2);
    this.rc[0] = -1; // 0xffffffff
    for (let i = 0; i < 5; i++) this.rc[1] = (this.rc[1] << 8) | this.nextByte();

    this.literals = probs(0x300 << (this.lc + this.lp));
    this.isMatch = probs(STATES << 4);
    this.isRep = probs(STATES);
    this.isRepG0 = probs(STATES);
    this.isRepG1 = probs(STATES);
    this.isRepG2 = probs(STATES);
    this.isRep0Long = probs(STATES << 4);
    this.distSlot = probs(LEN_TO_DIST_STATES << 6);
    this.distSpecial = probs(1 + FULL_DISTANCES - END_DIST_MODEL);
    this.align = probs(1 << ALIGN_BITS);
    this.matchLen = new LengthCoder();
    this.repLen = new LengthCoder();
    this.state = 0;
    this.rep0 = this.rep1 = this.rep2 = this.rep3 = 0;
  }

  // More of the input, for a decoder made with {complete: false}.
  append(bytes) {
    const end = this.inputEnd + bytes.length;
    if (end + PAD > this.input.length) {
      const grown = new Uint8Array(Math.max(end + PAD, this.input.length * 2));
      grown.set(this.input.subarray(0, this.inputEnd));
      this.input = grown;
    }
    this.input.set(bytes, this.inputEnd);
    this.inputEnd = end;
  }

  // No more input will come: decode to the end of what there is.
  finish() {
    this.complete = true;
  }

  // True when decoding has stopped for want of input (see decodeSome).
  get needsInput() {
    return !this.complete && this.inPos > this.inputEnd - INPUT_MARGIN && this.pos < this.size;
  }

  nextByte() {
    if (this.inPos >= this.input.length) throw new Error('LZMA data is truncated');
    return this.input[this.inPos++];
  }

  // The range coder: one bit with an adaptive probability p[i] that it is 0. range and code
  // are unsigned 32-bit values kept as int32 bits (see SIGN).
  bit(p, i) {
    const { rc } = this;
    let range = rc[0];
    let code = rc[1];
    const prob = p[i];
    const bound = Math.imul(range >>> 11, prob);
    let result;
    if ((code ^ SIGN) < (bound ^ SIGN)) {
      range = bound;
      p[i] = prob + ((2048 - prob) >> 5);
      result = 0;
    } else {
      range = (range - bound) | 0;
      code = (code - bound) | 0;
      p[i] = prob - (prob >> 5);
      result = 1;
    }
    if (range >>> 24 === 0) {
      range <<= 8;
      code = (code << 8) | this.nextByte();
    }
    rc[0] = range;
    rc[1] = code;
    return result;
  }

  // Bits with probability one half, most significant first.
  direct(count) {
    const { rc } = this;
    let range = rc[0];
    let code = rc[1];
    let result = 0;
    while (count-- > 0) {
      range >>>= 1; // below 2^31 from here on: a plain comparison is the unsigned one
      let b = 0;
      if ((code ^ SIGN) >= (range ^ SIGN)) { code = (code - range) | 0; b = 1; }
      result = (result << 1) | b; // at most 26 bits
      if (range >>> 24 === 0) {
        range <<= 8;
        code = (code << 8) | this.nextByte();
      }
    }
    rc[0] = range;
    rc[1] = code;
    return result;
  }

  // `count` bits through a binary tree of probabilities rooted at p[base + 1], most significant
  // first, or least significant first with `reverse`. Lengths and distances are a third of the
  // work in a wasm file: the bit step of bit() is written out here with the coder's state in
  // locals, as in decodeSome.
  tree(p, base, count, reverse = false) {
    const { rc, input } = this;
    let range = rc[0];
    let code = rc[1];
    let inPos = this.inPos;
    let m = 1;
    let reversed = 0;
    for (let n = 0; n < count; n++) {
      const i = base + m;
      const prob = p[i];
      const bound = Math.imul(range >>> 11, prob);
      if ((code ^ SIGN) < (bound ^ SIGN)) { range = bound; p[i] = prob + ((2048 - prob) >> 5); m <<= 1; }
      else { range = (range - bound) | 0; code = (code - bound) | 0; p[i] = prob - (prob >> 5); m = (m << 1) | 1; reversed |= 1 << n; }
      if (range >>> 24 === 0) { range <<= 8; code = (code << 8) | input[inPos++]; }
    }
    rc[0] = range; rc[1] = code; this.inPos = inPos;
    return reverse ? reversed : m - (1 << count);
  }

  length(coder, posState) {
    if (this.bit(coder.choice, 0) === 0) return this.tree(coder.low, posState << 3, 3);
    if (this.bit(coder.choice, 1) === 0) return 8 + this.tree(coder.mid, posState << 3, 3);
    return 16 + this.tree(coder.high, 0, 8);
  }

  // The distance of a new match (0 = the byte just before); 0xffffffff marks the end.
  distance(len) {
    const slot = this.tree(this.distSlot, Math.min(len, LEN_TO_DIST_STATES - 1) << 6, 6);
    if (slot < 4) return slot;
    const bits = (slot >>> 1) - 1;
    // Integer arithmetic throughout (a float here costs more than the rest of the decoder);
    // only the last slots reach 2^31 and the end marker 2^32 - 1, hence the unsigned shifts.
    const base = ((2 | (slot & 1)) << bits) >>> 0;
    if (slot < END_DIST_MODEL) return base + this.tree(this.distSpecial, base - slot, bits, true);
    return (base + ((this.direct(bits - ALIGN_BITS) << ALIGN_BITS) | this.tree(this.align, 0, ALIGN_BITS, true))) >>> 0;
  }

  // One match or repeated match (after an isMatch bit of 1). False at the end marker.
  match(posState) {
    const state = this.state;
    let len;
    if (this.bit(this.isRep, state) === 0) {
      len = this.length(this.matchLen, posState);
      this.state = state < 7 ? 7 : 10;
      const dist = this.distance(len);
      if (dist === 0xffffffff) return false; // the end marker, reached before the stated size
      this.rep3 = this.rep2; this.rep2 = this.rep1; this.rep1 = this.rep0; this.rep0 = dist;
    } else {
      if (this.bit(this.isRepG0, state) === 0) {
        if (this.bit(this.isRep0Long, (state << 4) + posState) === 0) {
          this.state = state < 7 ? 9 : 11; // one byte from rep0
          this.copy(1);
          return true;
        }
      } else {
        let dist;
        if (this.bit(this.isRepG1, state) === 0) {
          dist = this.rep1;
        } else {
          if (this.bit(this.isRepG2, state) === 0) dist = this.rep2;
          else { dist = this.rep3; this.rep3 = this.rep2; }
          this.rep2 = this.rep1;
        }
        this.rep1 = this.rep0;
        this.rep0 = dist;
      }
      len = this.length(this.repLen, posState);
      this.state = state < 7 ? 8 : 11;
    }
    this.copy(len + 2);
    return true;
  }

  copy(len) {
    const { out } = this;
    let from = this.pos - this.rep0 - 1;
    if (from < 0) throw new Error('LZMA stream is corrupt (distance before the start)');
    const end = Math.min(this.pos + len, this.size);
    let pos = this.pos;
    while (pos < end) out[pos++] = out[from++];
    this.pos = pos;
  }

  // Decode up to about `maxBytes` more (a match may run a little past it). Returns the new
  // bytes as a view of the output (empty when it `needsInput`), or null when it is complete.
  //
  // Literals and the match/literal decision are most of the work, so this loop decodes them
  // with the range coder's state in local variables and its bit step written out inline (three
  // times: a call per bit, or state kept in fields, makes the whole decoder 2-3x slower); the
  // rarer matches go through the methods above, with the state handed over around the call.
  decodeSome(maxBytes = Infinity) {
    const start = this.pos;
    if (start >= this.size) return null;
    const stop = Math.min(this.size, start + maxBytes);
    const { out, input, literals, isMatch, rc, lc } = this;
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    let range = rc[0];
    let code = rc[1];
    let inPos = this.inPos;
    let pos = this.pos;
    let state = this.state;
    let i, prob, bound, b;
    const safe = this.complete ? Infinity : this.inputEnd - INPUT_MARGIN; // see needsInput
    while (pos < stop && inPos <= safe) {
      const posState = pos & pbMask;
      i = (state << 4) + posState;
      prob = isMatch[i];
      bound = Math.imul(range >>> 11, prob);
      if ((code ^ SIGN) >= (bound ^ SIGN)) {
        range = (range - bound) | 0; code = (code - bound) | 0; isMatch[i] = prob - (prob >> 5);
        if (range >>> 24 === 0) { range <<= 8; code = (code << 8) | input[inPos++]; }
        rc[0] = range; rc[1] = code; this.inPos = inPos; this.pos = pos; this.state = state;
        const more = this.match(posState);
        range = rc[0]; code = rc[1]; inPos = this.inPos; pos = this.pos; state = this.state;
        if (!more) break;
        continue;
      }
      range = bound; isMatch[i] = prob + ((2048 - prob) >> 5);
      if (range >>> 24 === 0) { range <<= 8; code = (code << 8) | input[inPos++]; }

      // A literal, coded in the context of the previous byte's top lc bits.
      const prev = pos > 0 ? out[pos - 1] : 0;
      const base = 0x300 * (((pos & lpMask) << lc) + (prev >> (8 - lc)));
      let symbol = 1;
      if (state >= 7) {
        // After a match the byte at the match distance predicts this one, bit by bit, until
        // the first bit that differs.
        let matchByte = out[pos - this.rep0 - 1];
        while (symbol < 0x100) {
          const matchBit = (matchByte >> 7) & 1;
          matchByte <<= 1;
          i = base + ((1 + matchBit) << 8) + symbol;
          prob = literals[i];
          bound = Math.imul(range >>> 11, prob);
          if ((code ^ SIGN) < (bound ^ SIGN)) { range = bound; literals[i] = prob + ((2048 - prob) >> 5); b = 0; }
          else { range = (range - bound) | 0; code = (code - bound) | 0; literals[i] = prob - (prob >> 5); b = 1; }
          if (range >>> 24 === 0) { range <<= 8; code = (code << 8) | input[inPos++]; }
          symbol = (symbol << 1) | b;
          if (b !== matchBit) break;
        }
      }
      while (symbol < 0x100) {
        i = base + symbol;
        prob = literals[i];
        bound = Math.imul(range >>> 11, prob);
        if ((code ^ SIGN) < (bound ^ SIGN)) { range = bound; literals[i] = prob + ((2048 - prob) >> 5); b = 0; }
        else { range = (range - bound) | 0; code = (code - bound) | 0; literals[i] = prob - (prob >> 5); b = 1; }
        if (range >>> 24 === 0) { range <<= 8; code = (code << 8) | input[inPos++]; }
        symbol = (symbol << 1) | b;
      }
      out[pos++] = symbol & 0xff;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
    }
    rc[0] = range; rc[1] = code; this.inPos = inPos; this.pos = pos; this.state = state;
    // The input is padded (see the constructor): reading into the padding means it was cut short.
    if (inPos > this.inputEnd) throw new Error('LZMA data is truncated');
    if (pos < stop && inPos <= safe) throw new Error('LZMA stream ended early');
    return out.subarray(start, pos);
  }
}

export function lzmaDecode(input) {
  const decoder = new LzmaDecoder(input);
  decoder.decodeSome();
  return decoder.out;
}
