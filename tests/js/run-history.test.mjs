// A run's history and kept states (js/runs/run-history.js): the rules the runs core and the
// keeper share.
import test from 'node:test';
import assert from 'node:assert/strict';
import { emptyHistory, pushRecord, historyUpTo, keptStepsOf, nearestAtOrBefore, stepMs } from '../../js/runs/run-history.js';

const record = (step) => ({
  step,
  loss: 3 - step / 100,
  lr_t: 0.01,
  doc: `d${step}`,
  t_forward: 0.002,
  t_backward: 0.003,
  t_update: 0.001,
});

test('a record becomes one entry of each array, its time in ms', () => {
  const h = emptyHistory();
  for (let s = 1; s <= 5; s++) pushRecord(h, record(s));
  assert.deepEqual(h.steps, [1, 2, 3, 4, 5]);
  assert.equal(h.docs[2], 'd3');
  assert.ok(Math.abs(h.ms[0] - 6) < 1e-9);
  assert.equal(stepMs({ step: 1 }), null);
});

test('historyUpTo keeps the steps at or before the step, native part included', () => {
  const h = emptyHistory();
  for (let s = 1; s <= 30; s++) pushRecord(h, record(s));
  h.native = 20;
  const cut = historyUpTo(h, 10);
  assert.deepEqual(cut.steps, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(cut.losses.length, 10);
  assert.equal(cut.native, 10);
  assert.equal(h.steps.length, 30); // a copy: the run's own history stays whole
  assert.deepEqual(historyUpTo(h, 0).steps, []);
});

test('kept states: 0, every 50 and the latest; a superseded latest is dropped', () => {
  assert.deepEqual(keptStepsOf([0, 50, 73], 98, 50), [[0, 50, 98], 73]);
  assert.deepEqual(keptStepsOf([0, 50], 100, 50), [[0, 50, 100], null]);
  assert.deepEqual(keptStepsOf([0], 3, 50), [[0, 3], null]);
});

test('the nearest kept state at or before a step', () => {
  assert.equal(nearestAtOrBefore([0, 100, 300, 1000], 800), 300);
  assert.equal(nearestAtOrBefore([0, 100, 300, 1000], 1000), 1000);
  assert.equal(nearestAtOrBefore([5, 9], 4), null);
});
