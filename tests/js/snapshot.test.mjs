// The worker's reading of the build's memory snapshot (js/worker/snapshot.js) against what the
// build writes (py/builder/snapshot.py), under Node's test runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readSnapshot, applyDataImage } from '../../js/worker/snapshot.js';
import { packedPiecesStream } from '../../js/worker/asset-decode.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PYTHON = existsSync(`${REPO}.venv/bin/python`) ? `${REPO}.venv/bin/python` : 'python3';

// A snapshot-shaped buffer (Pyodide's header, then a memory that starts with the wasm's data image,
// a little changed, then a heap and zeros), packed as the build packs it; and the page's text of it.
const MAKE = `
import json, sys
from builder import snapshot, text8
from builder.paths import PYODIDE_DIR
wasm = (PYODIDE_DIR / "pyodide.asm.wasm").read_bytes()
image = snapshot.data_image(wasm)
memory = bytearray(image) + bytes(1000) + b"heap" * 1000 + bytes(100_000)
memory[2000:2004] = b"\\x01\\x02\\x03\\x04"
fake = snapshot.PYODIDE_MAGIC.to_bytes(4, "little") + (64).to_bytes(4, "little") + bytes(56) + bytes(memory)
sys.stdout.write(json.dumps({"text": text8.encode(snapshot.pack(fake, wasm)), "fake": fake.hex(), "image": len(image)}))
`;

test('the packed snapshot reads back, piece by piece, as Pyodide wrote it, with the data image', async () => {
  const made = JSON.parse(execFileSync(PYTHON, ['-c', MAKE], { cwd: REPO, env: { ...process.env, PYTHONPATH: 'py' }, maxBuffer: 1 << 28 }));
  const { fake, image } = made;
  // Python's text is the page's bytes (Latin-1 code points); the page reads them as windows-1252.
  const text = new TextDecoder('windows-1252').decode(Buffer.from(made.text, 'latin1'));
  const pieces = [];
  for (let at = 0; at < text.length; at += 100_000) pieces.push(text.slice(at, at + 100_000));
  let handed = 0;
  const next = async () => (handed < pieces.length ? pieces[handed++] : null);
  const snapshot = await readSnapshot(packedPiecesStream({ encoding: 'zst+text8', next }));
  assert.equal(Buffer.from(snapshot.bytes).toString('hex'), fake);
  assert.equal(snapshot.image.length, image);
  // The memory starts with the image but for the 4 bytes the fake changed.
  const differ = snapshot.bytes.subarray(64, 64 + image).reduce((n, b, i) => n + (b !== snapshot.image[i]), 0);
  assert.ok(differ > 0 && differ <= 4);
  // A fresh (zeroed) memory gets the image; it grows to the snapshot's memory if smaller.
  const memory = new WebAssembly.Memory({ initial: 1 });
  applyDataImage(snapshot, memory);
  assert.ok(memory.buffer.byteLength >= snapshot.bytes.length - 64);
  assert.deepEqual(new Uint8Array(memory.buffer, 0, image), snapshot.image);
  // Cut short or damaged: an error.
  handed = 0;
  const cut = async () => (handed < 2 ? pieces[handed++] : null);
  await assert.rejects(readSnapshot(packedPiecesStream({ encoding: 'zst+text8', next: cut })));
});
