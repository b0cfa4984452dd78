// The parameters chapter's pure parts under Node: how a state_dict's names and shapes become
// the drawn matrices (component, group, offset into params, breakdown), and pyRepr, which
// writes a number as Python's repr() does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeMatrices, groupMatrices, breakdown, componentOf } from '../../js/sections/parameters-matrices.js';
import { pyRepr } from '../../js/ui/py-number.js';

function stateDict(nLayer, nEmbd = 16, vocab = 27, block = 16) {
  const names = ['wte', 'wpe', 'lm_head'];
  const shapes = [[vocab, nEmbd], [block, nEmbd], [vocab, nEmbd]];
  for (let i = 0; i < nLayer; i++) {
    for (const leaf of ['attn_wq', 'attn_wk', 'attn_wv', 'attn_wo']) { names.push(`layer${i}.${leaf}`); shapes.push([nEmbd, nEmbd]); }
    names.push(`layer${i}.mlp_fc1`, `layer${i}.mlp_fc2`);
    shapes.push([4 * nEmbd, nEmbd], [nEmbd, 4 * nEmbd]);
  }
  return { names, shapes };
}

const info = { uchars: [...'abcdefghijklmnopqrstuvwxyz'], BOS: 26 };

test('the default script: components, offsets into params and the 4192 breakdown', () => {
  const matrices = describeMatrices(stateDict(1), info);
  assert.deepEqual(matrices.map((m) => m.component.key), ['embed', 'embed', 'output', 'attn', 'attn', 'attn', 'attn', 'mlp', 'mlp']);
  // params walks state_dict's matrices row by row, in order
  assert.deepEqual(matrices.map((m) => m.offset), [0, 432, 688, 1120, 1376, 1632, 1888, 2144, 3168]);
  assert.deepEqual(breakdown(matrices).map((p) => [p.component.key, p.count]), [['embed', 688], ['attn', 1024], ['mlp', 2048], ['output', 432]]);
  const wte = matrices[0];
  assert.equal(wte.rowLabels.length, 27);
  assert.equal(wte.rowLabels.at(-1), 'BOS');
  assert.equal(matrices[1].rowLabels, null); // wpe's rows are positions, not tokens
  assert.match(matrices.find((m) => m.leaf === 'mlp_fc1').purpose, /widens the 16 numbers to 64/);
});

test('groups follow the forward pass: embeddings, each layer, the output', () => {
  const groups = groupMatrices(describeMatrices(stateDict(2), info));
  assert.deepEqual(groups.map((g) => g.key), ['embed', 'layer0', 'layer1', 'output']);
  assert.deepEqual(groups[2].parts.map((p) => [p.component.key, p.items.length]), [['attn', 4], ['mlp', 2]]);
  assert.equal(breakdown(describeMatrices(stateDict(2), info)).reduce((s, p) => s + p.count, 0), 7264);
});

test('an unknown matrix is drawn in its own grey group, with a generic sentence', () => {
  const matrices = describeMatrices({ names: ['wte', 'ln_f'], shapes: [[27, 16], [1, 16]] }, info);
  assert.equal(componentOf('ln_f').key, 'other');
  assert.deepEqual(groupMatrices(matrices).map((g) => g.key), ['embed', 'other']);
  assert.match(matrices[1].purpose, /no description/);
});

test('pyRepr writes floats as Python does', () => {
  assert.equal(pyRepr(0.14822741498746517), '0.14822741498746517');
  assert.equal(pyRepr(-0.004224539441825546), '-0.004224539441825546');
  assert.equal(pyRepr(7.931881553573201e-6), '7.931881553573201e-06');
  assert.equal(pyRepr(1e-5), '1e-05');
  assert.equal(pyRepr(0.0001), '0.0001');
  assert.equal(pyRepr(1.5e16), '1.5e+16');
  assert.equal(pyRepr(0), '0');
  assert.equal(pyRepr(NaN), 'nan');
});
