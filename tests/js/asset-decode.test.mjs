// The worker's decoders for the packed runtime (js/worker/text7.js, asset-decode.js),
// under Node's test runner, against what the build's Python writes (py/builder/text7.py and
// compress.py), so that both halves of each format are checked together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { text7ToBytes } from '../../js/worker/text7.js';
import { assetBytes, assetPacked, assetText, piecesStream } from '../../js/worker/asset-decode.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PYTHON = existsSync(`${REPO}.venv/bin/python`) ? `${REPO}.venv/bin/python` : 'python3';

// Runs Python code with the builder importable; stdin -> code -> stdout, as bytes.
function python(code, input) {
  return execFileSync(PYTHON, ['-c', code], { input, cwd: REPO, env: { ...process.env, PYTHONPATH: 'py' }, maxBuffer: 1 << 28 });
}
// The build's formats.
const encode = (encoding, bytes) => python(
  `import sys; from builder import compress; sys.stdout.write(compress.encode_asset(${JSON.stringify(encoding)}, sys.stdin.buffer.read()))`,
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

test('an xz asset (the lazy stdlib) is handed over still packed, and never inflated by the page', async () => {
  const data = sample(50_000);
  const asset = { name: 'python_stdlib_lazy.zip', encoding: 'xz+text7', text: encode('xz+text7', data) };
  const packed = Buffer.from(assetPacked(asset, 'xz'));
  assert.deepEqual(python('import lzma, sys; sys.stdout.buffer.write(lzma.decompress(sys.stdin.buffer.read()))', packed), data);
  assert.throws(() => assetPacked(asset, 'gzip'), /not gzip/);
  await assert.rejects(assetBytes(asset), /cannot inflate/);
});
