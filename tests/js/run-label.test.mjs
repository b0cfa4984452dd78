// The runs' names (js/runs/run-label.js): what differs from the built-in script, in short.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runLabel, lineChange, tokenDiff } from '../../js/runs/run-label.js';

const builtin = readFileSync(new URL('../../py/microgpt.py', import.meta.url), 'utf8');

test('the unedited script is "built-in"', () => {
  assert.equal(runLabel({ source: builtin, builtinSource: builtin }), 'built-in');
  assert.equal(
    runLabel({
      source: builtin,
      builtinSource: builtin,
      constants: { n_embd: { value: 16 } },
      builtinConstants: { n_embd: { value: 16 } },
    }),
    'built-in',
  );
});

test('a changed hyperparameter names itself with both values', () => {
  const source = builtin.replace('n_embd = 16', 'n_embd = 32');
  const label = runLabel({
    source,
    builtinSource: builtin,
    constants: { n_layer: { value: 1 }, n_embd: { value: 32 } },
    builtinConstants: { n_layer: { value: 1 }, n_embd: { value: 16 } },
  });
  assert.equal(label, 'n_embd 16 -> 32');
});

test('another edit is named by a short token diff of its first changed line', () => {
  const source = builtin.replace('max(0, self.data)', 'max(0, self.data) ** 2');
  assert.notEqual(source, builtin);
  assert.equal(lineChange(builtin, source), 'data) -> data) ** 2');
  assert.equal(tokenDiff('x = [xi.relu() for xi in x]', 'x = [xi.relu()**2 for xi in x]'), 'relu() -> relu()**2');
  assert.equal(tokenDiff('y = a + b', 'y = a - b'), 'a + -> a -');
});

test('added and removed lines, and a long side cut short', () => {
  assert.equal(lineChange('a\nb\n', 'a\nprint(1)\nb\n'), '+ print(1)');
  assert.equal(lineChange('a\nprint(1)\nb\n', 'a\nb\n'), '- print(1)');
  // A rewrite, not an edit: the first changed line would not name it.
  const many = (tag) => Array.from({ length: 20 }, (_, k) => `${tag}${k}`).join('\n');
  assert.equal(lineChange(`a\n${many('x')}\nz`, `a\n${many('y')}\nz`), 'another script (20 lines differ)');
  const long = tokenDiff('v = 1', `v = ${'9'.repeat(60)}`);
  assert.ok(long.endsWith('…') && long.length < 40, long);
});

test('a data set of its own is named by its file', () => {
  assert.equal(runLabel({ source: builtin, builtinSource: builtin, datasetName: 'my-names.txt' }), 'my-names.txt');
  const source = builtin.replace('n_embd = 16', 'n_embd = 8');
  const label = runLabel({
    source,
    builtinSource: builtin,
    constants: { n_embd: { value: 8 } },
    builtinConstants: { n_embd: { value: 16 } },
    datasetName: 'words.txt',
  });
  assert.equal(label, 'n_embd 16 -> 8, words.txt');
});
