// The worker's decoders for the packed runtime (js/worker/text7.js, lzma.js, asset-decode.js),
// under Node's test runner, against what the build's Python writes (py/builder/text7.py and
// compress.py), so that both halves of each format are checked together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { text7ToBytes, Text7Decoder } from '../../js/worker/text7.js';
import { lzmaDecode, LzmaDecoder } from '../../js/worker/lzma.js';
import { assetBytes, assetStream, assetText, lzmaPiecesStream, piecesStream } from '../../js/worker/asset-decode.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PYTHON = existsSync(`${REPO}.venv/bin/python`) ? `${REPO}.venv/bin/python` : 'python3';

// Runs Python code with the builder importable; stdin -> code -> stdout, as bytes.
function python(code, input) {
  return execFileSync(PYTHON, ['-c', code], { input, cwd: REPO, env: { ...process.env, PYTHONPATH: 'py' }, maxBuffer: 1 << 28 });
}
// The build's formats; LZMA at a quicker preset than the build's (same stream format).
const encode = (encoding, bytes) => python(
  'import sys; from builder import compress, text7; data = sys.stdin.buffer.read(); ' +
  (encoding === 'lzma+text7' ? 'sys.stdout.write(text7.encode(compress.lzma_alone(data, 6)))'
    : `sys.stdout.write(compress.encode_asset(${JSON.stringify(encoding)}, data))`),
  bytes,
).toString('utf8');

// Compressible but not trivial: words with repeats at many distances, then random bytes.
function sample(n) {
  const words = ['emma', 'olivia', 'ava', 'isabella', 'sophia', 'charlotte', 'mia', 'amelia'];
  const parts = [];
  for (let i = 0, length = 0; length < (n * 7) / 8; i++) {
    parts.push(words[(i * 7919) % words.length], String(i % 97));
    length += parts.at(-1).length + parts.at(-2).length + 2;
  }
  return Buffer.concat([Buffer.from(parts.join(' ')), randomBytes(n / 8)]).subarray(0, n);
}

test('text7 decodes what the build encodes, for every length and byte value', () => {
  for (const n of [0, 1, 6, 7, 8, 13, 14, 15, 255, 1001]) {
    const data = randomBytes(n);
    const text = python('import sys; from builder import text7; sys.stdout.write(text7.encode(sys.stdin.buffer.read()))', data).toString('utf8');
    assert.deepEqual(Buffer.from(text7ToBytes(text)), data, `length ${n}`);
    assert.doesNotMatch(text, /[\0\r<]/);
  }
  // Every 7-bit group value, including the forbidden ones at the very end.
  const all = Buffer.from(Array.from({ length: 256 * 7 }, (_, i) => (i * 37) & 255));
  for (const tail of [[0], [13], [60 << 1]]) {
    const data = Buffer.concat([all, Buffer.from(tail)]);
    const text = python('import sys; from builder import text7; sys.stdout.write(text7.encode(sys.stdin.buffer.read()))', data).toString('utf8');
    assert.deepEqual(Buffer.from(text7ToBytes(text)), data);
  }
});

test('text7 is 8/7 the size of the data in UTF-8', () => {
  const data = randomBytes(70000);
  const text = python('import sys; from builder import text7; sys.stdout.write(text7.encode(sys.stdin.buffer.read()))', data).toString('utf8');
  assert.ok(Math.abs(Buffer.byteLength(text) / data.length - 8 / 7) < 0.001);
});

test('lzma+text7 decodes at once, in slices and as a stream', async () => {
  const data = sample(300_000);
  const asset = { name: 'x', encoding: 'lzma+text7', text: encode('lzma+text7', data) };
  assert.deepEqual(Buffer.from(await assetBytes(asset)), data);
  const decoder = new LzmaDecoder(text7ToBytes(asset.text));
  const slices = [];
  for (let s; (s = decoder.decodeSome(10_000));) slices.push(Buffer.from(s));
  assert.ok(slices.length >= 30);
  assert.deepEqual(Buffer.concat(slices), data);
  const streamed = Buffer.from(await new Response(assetStream(asset)).arrayBuffer());
  assert.deepEqual(streamed, data);
});

test('lzma+text7 decodes piece by piece as the pieces arrive, cut anywhere', async () => {
  const data = sample(300_000);
  const text = encode('lzma+text7', data);
  // Text7 pieces cut at any character (the page cuts the build's text every 256 Ki characters).
  for (const size of [1, 7, 4096, 65_537]) {
    const decoder = new Text7Decoder();
    const bytes = [];
    for (let at = 0; at < Math.min(text.length, size * 50); at += size) bytes.push(Buffer.from(decoder.push(text.slice(at, at + size))));
    assert.deepEqual(Buffer.concat(bytes), Buffer.from(text7ToBytes(text.slice(0, Math.min(text.length, size * 50)))));
  }
  const pieces = [];
  for (let at = 0; at < text.length; at += 9_999) pieces.push(text.slice(at, at + 9_999));
  let handed = 0;
  // Each piece comes a little later, so decoding keeps catching up with the input.
  const next = () => new Promise((resolve) => setTimeout(() => resolve(handed < pieces.length ? pieces[handed++] : null), 0));
  const streamed = Buffer.from(await new Response(lzmaPiecesStream(next)).arrayBuffer());
  assert.equal(handed, pieces.length);
  assert.deepEqual(streamed, data);
  // Cut short: an error, not a hang.
  let given = 0;
  const cut = () => Promise.resolve(given < 3 ? pieces[given++] : null);
  await assert.rejects(new Response(lzmaPiecesStream(cut)).arrayBuffer(), /truncated|ended early|corrupt/);
});

test('gzip+text7 and gzip+base64 inflate piece by piece as the pieces arrive (the wasm)', async () => {
  const data = sample(300_000);
  for (const encoding of ['gzip+text7', 'gzip+base64']) {
    const text = encode(encoding, data);
    const pieces = [];
    const size = encoding === 'gzip+base64' ? 10_000 : 9_999; // base64 is cut at whole groups, as the build does
    for (let at = 0; at < text.length; at += size) pieces.push(text.slice(at, at + size));
    let handed = 0;
    const next = () => new Promise((resolve) => setTimeout(() => resolve(handed < pieces.length ? pieces[handed++] : null), 0));
    const streamed = Buffer.from(await new Response(piecesStream({ encoding, next })).arrayBuffer());
    assert.equal(handed, pieces.length);
    assert.deepEqual(streamed, data, encoding);
    let given = 0; // cut short: an error, not a hang
    const cut = () => Promise.resolve(given < 3 ? pieces[given++] : null);
    await assert.rejects(new Response(piecesStream({ encoding, next: cut })).arrayBuffer());
  }
});

test('gzip+text7 and text assets', async () => {
  const words = 'emma\nolivia\nzoë\n'.repeat(100);
  assert.equal(await assetText({ name: 'w', encoding: 'gzip+text7', text: encode('gzip+text7', Buffer.from(words)) }), words);
  assert.equal(await assetText({ name: 'l', encoding: 'text', text: '{"a":"é"}' }), '{"a":"é"}');
  await assert.rejects(assetBytes({ name: 'y', encoding: 'zip+text9', text: '' }), /unknown encoding/);
});

test('corrupt or cut LZMA is an error, not a hang or wrong bytes', () => {
  const packed = text7ToBytes(encode('lzma+text7', sample(50_000)));
  assert.throws(() => lzmaDecode(packed.subarray(0, packed.length >> 1)), /truncated|ended early|corrupt/);
  assert.throws(() => lzmaDecode(packed.subarray(0, 5)), /truncated/);
});
