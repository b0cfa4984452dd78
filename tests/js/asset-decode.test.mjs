// The worker's decoders for the packed runtime (js/codec/text8.js, js/worker/asset-decode.js),
// under Node's test runner, against what the build's Python writes (py/builder/text8.py and
// compress.py), read the way the browser reads the page (windows-1252, builder/charset.py), so
// that both halves of each format are checked together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { text8ToBytes, windows1252Blob } from '../../js/codec/text8.js';
import { assetBytes, assetPacked, assetText, piecesStream } from '../../js/worker/asset-decode.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PYTHON = existsSync(`${REPO}.venv/bin/python`) ? `${REPO}.venv/bin/python` : 'python3';

// Runs Python code with the builder importable; stdin -> code -> stdout, as bytes.
function python(code, input) {
  return execFileSync(PYTHON, ['-c', code], { input, cwd: REPO, env: { ...process.env, PYTHONPATH: 'py' }, maxBuffer: 1 << 28 });
}
// The page's bytes as the browser reads them.
const page = (bytes) => new TextDecoder('windows-1252').decode(bytes);
// The build's formats: the text Python writes into the page, as the page's bytes.
const encode = (encoding, bytes) =>
  page(
    python(
      `import sys; from builder import compress; sys.stdout.buffer.write(compress.encode_asset(${JSON.stringify(encoding)}, sys.stdin.buffer.read()).encode('latin-1'))`,
      bytes,
    ),
  );
const text8 = (bytes) =>
  page(
    python(
      "import sys; from builder import text8; sys.stdout.buffer.write(text8.encode(sys.stdin.buffer.read()).encode('latin-1'))",
      bytes,
    ),
  );

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

test('text8 decodes what the build encodes, for every length and byte value', () => {
  for (const n of [0, 1, 2, 255, 1001, 70000]) {
    const data = randomBytes(n);
    const text = text8(data);
    assert.deepEqual(Buffer.from(text8ToBytes(text)), data, `length ${n}`);
    assert.doesNotMatch(text, /[\0\r<]/);
  }
  // Every byte value, the escaped ones at the very end and next to each other.
  const all = Buffer.from(Array.from({ length: 256 * 3 }, (_, i) => i & 255));
  for (const tail of [[0], [13], [60], [0x1b], [0x1b, 0x1b, 60, 0, 13]]) {
    const data = Buffer.concat([all, Buffer.from(tail)]);
    assert.deepEqual(Buffer.from(text8ToBytes(text8(data))), data);
  }
});

test('text8 is ~1.016 times the size of the data, and a cut escape is an error', () => {
  const data = randomBytes(70000);
  const bytes = python(
    "import sys; from builder import text8; sys.stdout.buffer.write(text8.encode(sys.stdin.buffer.read()).encode('latin-1'))",
    data,
  );
  assert.ok(Math.abs(bytes.length / data.length - (1 + 4 / 256)) < 0.003, `${bytes.length / data.length}`);
  assert.throws(() => text8ToBytes(text8(Buffer.from([0x3c])).slice(0, 1)), /corrupt/);
  assert.throws(() => text8ToBytes('\u2192'), /corrupt/);
});

test('the page back to windows-1252 bytes: binary blocks exact, other characters as references', async () => {
  const data = randomBytes(4096);
  // (Node's windows-1252 decoder is Latin-1's, so U+2014 has no byte here, but has one in a
  // browser: the table follows the engine's own decoder, the one that read the page.)
  const html = `<p>a \u00e9 b \u2192 c \u{1F600}</p><script>${text8(data)}</script>`;
  const bytes = Buffer.from(await windows1252Blob(html, 'text/html').arrayBuffer());
  const back = page(bytes);
  assert.match(back, /^<p>a \u00e9 b &#x2192; c &#x1f600;<\/p><script>/);
  const inner = back.slice(back.indexOf('<script>') + 8, back.lastIndexOf('</script>'));
  assert.deepEqual(Buffer.from(text8ToBytes(inner)), data);
});

test('gzip+text8 and gzip+base64 inflate piece by piece as the pieces arrive (the wasm)', async () => {
  const data = sample(300_000);
  for (const encoding of ['gzip+text8', 'gzip+base64']) {
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

test('gzip+text8 and text assets', async () => {
  const words = 'emma\nolivia\nzoë\n'.repeat(100);
  assert.equal(await assetText({ name: 'w', encoding: 'gzip+text8', text: encode('gzip+text8', Buffer.from(words)) }), words);
  assert.equal(await assetText({ name: 'l', encoding: 'text', text: '{"a":"é"}' }), '{"a":"é"}');
  await assert.rejects(assetBytes({ name: 'y', encoding: 'zip+text9', text: '' }), /unknown encoding/);
});

test('an xz asset (the lazy stdlib) is handed over still packed, and never inflated by the page', async () => {
  const data = sample(50_000);
  const asset = { name: 'python_stdlib_lazy.zip', encoding: 'xz+text8', text: encode('xz+text8', data) };
  const packed = Buffer.from(assetPacked(asset, 'xz'));
  assert.deepEqual(python('import lzma, sys; sys.stdout.buffer.write(lzma.decompress(sys.stdin.buffer.read()))', packed), data);
  assert.throws(() => assetPacked(asset, 'gzip'), /not gzip/);
  await assert.rejects(assetBytes(asset), /cannot inflate/);
});
