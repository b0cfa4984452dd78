// A call's arguments on their way to Python (js/worker/session.js forPython): what toPy is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forPython } from '../../js/worker/session.js';

test('bytes stay the same typed array, not a copy and not text', () => {
  const blob = new Uint8Array([77, 71, 80, 84]);
  const args = forPython({ blob });
  assert.equal(args.blob, blob);
});

test('null becomes undefined (toPy: None); an undefined entry is left out, so the default applies', () => {
  const args = forPython({ seed: null, temperature: undefined, watch: [1, null, undefined], nested: { a: null, b: undefined } });
  assert.deepEqual(Object.keys(args), ['seed', 'watch', 'nested']);
  assert.equal(args.seed, undefined);
  assert.deepEqual(args.watch, [1, undefined, undefined]);
  assert.deepEqual(Object.keys(args.nested), ['a']);
  assert.equal(args.nested.a, undefined);
});

test("numbers, strings and booleans pass as they are; the caller's object is not changed", () => {
  const given = { count: 3, text: 'emma', with_params: false, intervention: { layer: 0, amount: 0.5 } };
  const copy = structuredClone(given);
  assert.deepEqual(forPython(given), copy);
  assert.notEqual(forPython(given).intervention, given.intervention);
  assert.deepEqual(given, copy);
});
