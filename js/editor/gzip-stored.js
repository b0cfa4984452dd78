// gzip without compression, for a browser that lacks CompressionStream: the bytes go into
// "stored" deflate blocks (RFC 1951 §3.2.4) inside a gzip member (RFC 1952), so the worker's
// DecompressionStream('gzip') reads the result like any other gzip. Larger than real gzip
// (the bytes plus 5 per 64 KB and 18 in all), which only matters for a data set saved into a
// downloaded guide.
//
//   gzipStored(bytes) -> Uint8Array

const BLOCK = 0xffff; // the largest stored block

let table = null;
function crc32(bytes) {
  table ??= Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const b of bytes) crc = table[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function gzipStored(bytes) {
  const blocks = Math.max(1, Math.ceil(bytes.length / BLOCK));
  const out = new Uint8Array(10 + bytes.length + 5 * blocks + 8);
  const view = new DataView(out.buffer);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]); // magic, deflate, no flags/time, unknown OS
  let at = 10;
  for (let i = 0; i < blocks; i++) {
    const chunk = bytes.subarray(i * BLOCK, (i + 1) * BLOCK);
    out[at] = i === blocks - 1 ? 1 : 0; // BFINAL on the last block; BTYPE 00 = stored
    view.setUint16(at + 1, chunk.length, true);
    view.setUint16(at + 3, ~chunk.length & 0xffff, true);
    out.set(chunk, at + 5);
    at += 5 + chunk.length;
  }
  view.setUint32(at, crc32(bytes), true);
  view.setUint32(at + 4, bytes.length >>> 0, true); // ISIZE: the length modulo 2^32
  return out;
}
