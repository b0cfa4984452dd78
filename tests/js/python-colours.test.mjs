// Python's colours (js/editor/python-colours.js): the Lezer grammar's tags as the page's classes,
// line by line, for the code panels and the editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourLines } from '../../js/editor/python-colours.js';

const SOURCE = [
  'import random  # the only dependency',
  'def softmax(logits):',
  '    """Scores to',
  '    probabilities."""',
  '    m = max(v.data for v in logits)',
  '    return [x / 1e-3 for x in logits if x is not None]',
  'class Value:',
  "    n = True or f'{m}'",
].join('\n');

// The pieces of one line with a class, as "class:text".
const coloured = (line) => line.filter((p) => p.className).map((p) => `${p.className.replace('tok-', '')}:${p.text}`);

test('every line of the source comes back, its pieces adding up to its text', () => {
  const lines = colourLines(SOURCE);
  assert.deepEqual(
    lines.map((line) => line.map((p) => p.text).join('')),
    SOURCE.split('\n'),
  );
});

test('keywords, names called or defined, numbers, strings and comments get their classes', () => {
  const lines = colourLines(SOURCE).map(coloured);
  assert.deepEqual(lines[0], ['keyword:import', 'comment:# the only dependency']);
  assert.deepEqual(lines[1].slice(0, 2), ['keyword:def', 'function:softmax']);
  assert.ok(lines[4].includes('function:max'), lines[4]);
  assert.ok(lines[4].includes('property:data'), lines[4]);
  assert.ok(lines[5].includes('number:1e-3') && lines[5].includes('number:None'), lines[5]);
  assert.ok(
    ['keyword:return', 'keyword:for', 'keyword:in', 'keyword:if', 'keyword:is', 'keyword:not'].every((k) => lines[5].includes(k)),
    lines[5],
  );
  assert.deepEqual(lines[6].slice(0, 2), ['keyword:class', 'class:Value']);
  assert.ok(lines[7].includes('number:True') && lines[7].includes('keyword:or'), lines[7]);
});

test('a string that spans lines is a string on each of them', () => {
  const lines = colourLines(SOURCE).map(coloured);
  assert.ok(lines[2].includes('string:"""Scores to'), lines[2]);
  assert.deepEqual(lines[3], ['string:    probabilities."""']);
});

test('an unfinished script still colours what it can', () => {
  const lines = colourLines('for i in range(3:\n    print(i').map(coloured);
  assert.equal(lines.length, 2);
  assert.ok(lines[0].includes('keyword:for'), lines[0]);
});
