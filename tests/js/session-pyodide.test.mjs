// The worker's session (js/worker/session.js) on the real bridge in Pyodide under Node: a call's
// arguments reach Python as data (bytes as bytes, null as None) and the registry's table comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { loadPyodide } from 'pyodide';
import { createSession } from '../../js/worker/session.js';

const PY = new URL('../../py/', import.meta.url);
const sources = Object.fromEntries(
  readdirSync(new URL('bridge/', PY))
    .filter((name) => name.endsWith('.py'))
    .map((name) => [`bridge/${name}`, readFileSync(new URL(`bridge/${name}`, PY), 'utf8')]),
);
const script = readFileSync(new URL('microgpt.py', PY), 'utf8');
const dataset = readFileSync(new URL('data/names.txt', PY), 'utf8').split('\n').slice(0, 300).join('\n');

test('arguments cross as data: a Uint8Array checkpoint imports, null and undefined take the defaults', async () => {
  const pyodide = await loadPyodide({ stdout: () => {}, stderr: () => {} });
  const session = createSession(pyodide, sources, () => {});
  assert.deepEqual(session.methods.checkpoint_import, { by_worker: false, changes_model: true, streams: false });
  assert.equal(session.methods.train.streams, true);

  const loaded = session.handle('load', { source: script, dataset, filename: undefined });
  assert.ok(loaded.ok, JSON.stringify(loaded.error));
  const saved = session.handle('checkpoint_export', {}).result.blob;
  assert.ok(saved instanceof Uint8Array);
  const [first] = session.handle('step', { count: 1 }).result;
  const imported = session.handle('checkpoint_import', { blob: saved });
  assert.ok(imported.ok, JSON.stringify(imported.error));
  assert.equal(imported.result.step, 0);
  const [again] = session.handle('step', { count: 1, watch: null }).result;
  assert.equal(again.loss, first.loss);

  const text = session.handle('checkpoint_import', { blob: 'TUdQVENLUDI=' });
  assert.equal(text.ok, false);
  assert.match(text.error.message, /takes the checkpoint as bytes/);
  const docs = session.handle('docs', { start: undefined, count: 2 });
  assert.equal(docs.result.length, 2);
  const sample = session.handle('sample', { temperature: null, seed: 1 });
  assert.ok(sample.ok, JSON.stringify(sample.error));
});
