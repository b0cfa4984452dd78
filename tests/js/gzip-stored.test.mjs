// The stored-gzip fallback (no CompressionStream): any gunzip reads back the exact bytes,
// across the 64 KB block boundary and for nothing at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { gzipStored } from '../../js/editor/gzip-stored.js';
import { gunzipText } from '../../js/codec/bytes.js';

const sizes = [0, 1, 0xffff, 0x10000, 3 * 0xffff + 7];

test('zlib gunzips stored gzip back to the same bytes, CRC and length checked', () => {
  for (const n of sizes) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
    assert.deepEqual(new Uint8Array(gunzipSync(gzipStored(bytes))), bytes, `${n} bytes`);
  }
});

test("the worker's DecompressionStream path reads it as text", async () => {
  const text = 'emma\nolivia\nzoë\n'.repeat(9000); // > 64 KB, with a multi-byte character
  assert.equal(await gunzipText(gzipStored(new TextEncoder().encode(text))), text);
});
