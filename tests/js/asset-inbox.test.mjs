// The worker's inbox for the runtime's files, which the page sends piece by piece as it parses them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssetInbox } from '../../js/worker/asset-inbox.js';

const piece = (text, last) => ({ name: 'pyodide.asm.wasm', encoding: 'text', text, last });

test('a file asked for before it arrives is given whole when its last piece comes', async () => {
  const inbox = new AssetInbox();
  const asked = inbox.get('pyodide.asm.wasm');
  inbox.put(piece('by', false));
  inbox.put(piece('tes', true));
  assert.deepEqual(await asked, { name: 'pyodide.asm.wasm', encoding: 'text', text: 'bytes' });
});

test('a file that arrived before anyone asked is given at once', async () => {
  const inbox = new AssetInbox();
  inbox.put(piece('bytes', true));
  assert.equal((await inbox.get('pyodide.asm.wasm')).text, 'bytes');
});

test('pieces are read in order as they come, then null', async () => {
  const inbox = new AssetInbox();
  inbox.put(piece('a', false));
  const { encoding, next } = await inbox.pieces('pyodide.asm.wasm');
  assert.equal(encoding, 'text');
  assert.equal(await next(), 'a');
  const waiting = next();
  inbox.put(piece('b', true));
  assert.equal(await waiting, 'b');
  assert.equal(await next(), null);
});

test('once the page is parsed, a file that never came is reported by name', async () => {
  const inbox = new AssetInbox();
  const waiting = inbox.get('python_stdlib.zip');
  inbox.put(piece('cut short', false));
  inbox.end();
  await assert.rejects(waiting, /missing python_stdlib\.zip/);
  await assert.rejects(inbox.get('pyodide.mjs'), /missing pyodide\.mjs/); // asked only after the end
  await assert.rejects(inbox.get('pyodide.asm.wasm'), /missing pyodide\.asm\.wasm/); // its last piece never came
});

test('once the boot is over, the texts are let go and late pieces are dropped', () => {
  const inbox = new AssetInbox();
  inbox.put(piece('bytes', true));
  inbox.close();
  inbox.put({ name: 'python_stdlib.zip', encoding: 'text', text: 'late', last: true });
  assert.equal(inbox.files.size, 0);
});
