// The worker's decoding, under Node's test runner. Node 20 has no Uint8Array.fromBase64, so
// the atob fallback runs here; where Node has it, the test also runs with it removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { base64ToBytes, gunzipBytes, gunzipText, decodeAsset } from '../../js/codec/bytes.js';

const sample = new Uint8Array(Array.from({ length: 70000 }, (_, i) => (i * 7919) % 256));

function withoutNativeBase64(fn) {
  const native = Uint8Array.fromBase64;
  delete Uint8Array.fromBase64;
  try {
    return fn();
  } finally {
    if (native) Uint8Array.fromBase64 = native;
  }
}

test('base64 decodes to the same bytes with and without the native decoder', () => {
  const text = Buffer.from(sample).toString('base64');
  assert.deepEqual(
    withoutNativeBase64(() => base64ToBytes(text)),
    sample,
  );
  assert.deepEqual(base64ToBytes(text), sample);
  // Line breaks and spaces inside the embedded text are ignored.
  assert.deepEqual(
    withoutNativeBase64(() => base64ToBytes(text.replace(/(.{76})/g, '$1\n'))),
    sample,
  );
});

test('gzip + base64 assets decode to their bytes and text', async () => {
  const zipped = gzipSync(Buffer.from(sample));
  assert.deepEqual(await gunzipBytes(base64ToBytes(zipped.toString('base64'))), sample);
  const words = 'emma\nolivia\nzoë\n';
  assert.equal(await gunzipText(new Uint8Array(gzipSync(Buffer.from(words)))), words);
});

test('a text asset is its UTF-8 bytes', () => {
  assert.deepEqual(decodeAsset({ encoding: 'text', text: '{"a":"é"}' }), new TextEncoder().encode('{"a":"é"}'));
});

test('corrupt gzip is an error, not a hang', async () => {
  await assert.rejects(gunzipBytes(new Uint8Array([1, 2, 3, 4])));
});
