// The hyperparameter fields' checks (js/editor/hyper-rules.js), under Node's test runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldsOf, check, literal } from '../../js/editor/hyper-rules.js';

// What the bridge's `constants` answers for a script (two numbers, a string, a bool).
const constants = {
  num_steps: { value: 1000, kind: 'int', help: 'training steps', line: 9, col: 12 },
  n_embd: { value: 16, kind: 'int', help: 'numbers per token vector', line: 3, col: 9 },
  learning_rate: { value: 0.01, kind: 'float', help: null, line: 7, col: 16 },
  input: { value: 'input.txt', kind: 'str', help: 'data set', line: 2, col: 30 },
  verbose: { value: true, kind: 'bool', help: null, line: 4, col: 10 },
};

test("fields are the numeric constants, in source order, with the script's own help", () => {
  const fields = fieldsOf(constants);
  assert.deepEqual(
    fields.map((f) => f.name),
    ['n_embd', 'learning_rate', 'num_steps'],
  );
  assert.equal(fields[0].help, 'numbers per token vector');
  assert.equal(fields[1].help, '');
});

test("the script's values pass and come back as numbers", () => {
  const fields = fieldsOf(constants);
  const { values, problems } = check(fields, { n_embd: '16', learning_rate: '0.01', num_steps: '1000' });
  assert.deepEqual(problems, []);
  assert.equal(values.n_embd, 16);
  assert.equal(values.learning_rate, 0.01);
});

test("non-numbers and fractions of ints are refused, by the field's own type", () => {
  const fields = fieldsOf(constants);
  const { problems } = check(fields, { n_embd: '2.5', learning_rate: 'fast', num_steps: '' });
  assert.equal(problems.length, 3);
  assert.match(problems[0], /n_embd must be a whole number/);
  assert.equal(check(fields, { n_embd: '8', learning_rate: '1e-3', num_steps: '5' }).problems.length, 0);
});

test('literals keep Python types: ints stay ints, floats keep a point', () => {
  const [nEmbd, lr] = fieldsOf(constants);
  assert.equal(literal(nEmbd, 32), '32');
  assert.equal(literal(lr, 1), '1.0');
  assert.equal(literal(lr, 0.003), '0.003');
  assert.equal(literal(lr, 1e-8), '1e-8');
});
