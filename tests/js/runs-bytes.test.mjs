// The runs a downloaded guide carries (js/codec/runs-bytes.js, js/codec/text8.js's encoder): what
// the page writes reads back the same, and the text8 it writes is the build's own format
// (py/builder/text8.py), byte for byte, so one decoder reads both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { bytesToText8, text8ToBytes } from '../../js/codec/text8.js';
import { packToBytes, bytesToPack } from '../../js/codec/runs-bytes.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PYTHON = existsSync(`${REPO}.venv/bin/python`) ? `${REPO}.venv/bin/python` : 'python3';

const run = (id, step) => ({
  id,
  label: `n_embd 16 -> ${step}`,
  step,
  script: { filename: 'microgpt.py', source: 'print("é < ü")\n' },
  history: { steps: [1, 2], losses: [3.3, 3.1], lrs: [0.01, null], docs: ['emma', null], ms: [12, 13] },
});

test('a pack of runs and their states reads back as it was written', () => {
  const states = { a: { 20: new Uint8Array(randomBytes(5000)) }, b: { 0: new Uint8Array(randomBytes(7)), 8: new Uint8Array(0) } };
  const datasets = { f00d: { key: 'f00d', filename: 'my-names.txt', text: 'ann\nbo\n' } };
  const pack = { runs: [run('a', 20), run('b', 8)], states, datasets };
  const back = bytesToPack(packToBytes(pack, 'b'));
  assert.equal(back.open, 'b');
  assert.deepEqual(back.pack.runs, pack.runs);
  assert.deepEqual(back.pack.datasets, datasets); // what else the pack holds goes along
  assert.deepEqual(Object.keys(back.pack.states), ['a', 'b']);
  for (const id of ['a', 'b']) {
    for (const step of Object.keys(states[id])) assert.deepEqual(back.pack.states[id][step], states[id][step]);
  }
});

test('anything else is refused, a pack cut short too', () => {
  assert.throws(() => bytesToPack(new TextEncoder().encode('not runs at all')), /not in a form/);
  const bytes = packToBytes({ runs: [run('a', 1)], states: { a: { 1: new Uint8Array(100) } } }, 'a');
  assert.throws(() => bytesToPack(bytes.subarray(0, bytes.length - 1)), /cut short/);
});

test("the page's text8 is the build's, and decodes back to every byte", () => {
  const bytes = new Uint8Array(randomBytes(4096));
  bytes.set([0x00, 0x0d, 0x3c, 0x1b, 0x1b, 0x80, 0x81, 0x9f, 0xff], 0); // the escaped four and the 0x80-0x9F oddities
  const text = bytesToText8(bytes);
  assert.deepEqual(text8ToBytes(text), bytes);
  assert.ok(!text.includes('<') && !text.includes('\r') && !text.includes('\0'));
  const built = execFileSync(
    PYTHON,
    ['-c', "import sys; from builder import text8; sys.stdout.buffer.write(text8.encode(sys.stdin.buffer.read()).encode('latin-1'))"],
    { input: bytes, cwd: REPO, env: { ...process.env, PYTHONPATH: 'py' } },
  );
  assert.equal(text, new TextDecoder('windows-1252').decode(built)); // as the browser reads the build's file
});
