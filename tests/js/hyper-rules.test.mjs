// The hyperparameter fields' checks (js/editor/hyper-rules.js), under Node's test runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIELDS, check, literal } from '../../js/editor/hyper-rules.js';

const valid = { n_layer: '1', n_embd: '16', n_head: '4', block_size: '16', num_steps: '1000', learning_rate: '0.01', temperature: '0.5' };

test('the default values pass and come back as numbers', () => {
  const { values, problems } = check(valid);
  assert.deepEqual(problems, []);
  assert.equal(values.n_embd, 16);
  assert.equal(values.learning_rate, 0.01);
});

test('n_embd not divisible by n_head is refused with the reason', () => {
  const { problems } = check({ ...valid, n_embd: '30', n_head: '8' });
  assert.equal(problems.length, 1);
  assert.match(problems[0], /n_embd \(30\) must be divisible by n_head \(8\)/);
});

test('non-numbers, fractions of integers and out-of-range values are refused', () => {
  const { problems } = check({ ...valid, n_layer: 'two', n_head: '2.5', temperature: '0' });
  assert.equal(problems.length, 3);
});

test('literals keep Python types: ints stay ints, floats keep a point', () => {
  const byName = Object.fromEntries(FIELDS.map((f) => [f.name, f]));
  assert.equal(literal(byName.n_embd, 32), '32');
  assert.equal(literal(byName.learning_rate, 1), '1.0');
  assert.equal(literal(byName.learning_rate, 0.003), '0.003');
  assert.equal(literal(byName.learning_rate, 1e-7), '1e-7');
});
