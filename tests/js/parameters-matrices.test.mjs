// The parameters chapter's pure parts under Node: how the bridge's layout and outline become the
// drawn matrices (roles read from the statements that use each matrix, never from its name:
// component, layer group, offsets into the flat list, breakdown, tied weights), and pyRepr,
// which writes a number as Python's repr() does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeMatrices, groupMatrices, breakdown, tiedOutput } from '../../js/sections/parameters/matrices.js';
import { matrixRoles, matrixOfLabel, tokenEmbedding, whyMissing } from '../../js/sections/parameters/roles.js';
import { pyRepr } from '../../js/ui/py-number.js';

const vocab = { size: 27, bos: 26, eos: null, labels: [...'abcdefghijklmnopqrstuvwxyz', 'BOS'] };

// A layout as the bridge gives it: names, shapes and offsets in the flat list.
function layoutOf(pairs) {
  let offset = 0;
  return pairs.map(([name, rows, cols]) => {
    const m = { name, rows, cols, offset, aliases: [] };
    offset += rows * cols;
    return m;
  });
}

// An outline of layer 0 as the bridge gives it, with the given names for each role: lookups by
// token and position, attention and MLP statements that use matrices, the output statement.
function outlineOf({ token, position, attn, mlp, out, func = 'model' }) {
  const st = (flow, text, matrices = [], extra = {}) => ({
    func,
    line: 0,
    flow,
    text,
    matrices,
    lookups: [],
    in_layer: flow === 'attn' || flow === 'mlp',
    ...extra,
  });
  return {
    embedding: { token, position },
    output: out,
    outline: [
      st('embed', 'tok = T[token]', [], { lookups: [{ matrix: token, row: 0, by: 'token' }] }),
      st('embed', 'pos = P[pos]', [], { lookups: [{ matrix: position, row: 1, by: 'position' }] }),
      ...attn.map((name) => st('attn', `a = mix(x, ${name})  # a comment`, [name], { size: 16 })),
      ...mlp.map(([name, size]) => st('mlp', `h = mix(h, ${name})`, [name], { size })),
      st('out', `logits = mix(x, ${out})`, [out], { size: 27 }),
    ],
  };
}

function microgpt(nLayer) {
  const pairs = [
    ['wte', 27, 16],
    ['wpe', 16, 16],
    ['lm_head', 27, 16],
  ];
  for (let i = 0; i < nLayer; i++) {
    for (const leaf of ['attn_wq', 'attn_wk', 'attn_wv', 'attn_wo']) pairs.push([`layer${i}.${leaf}`, 16, 16]);
    pairs.push([`layer${i}.mlp_fc1`, 64, 16], [`layer${i}.mlp_fc2`, 16, 64]);
  }
  const outline = outlineOf({
    token: 'wte',
    position: 'wpe',
    out: 'lm_head',
    attn: ['layer0.attn_wq', 'layer0.attn_wk', 'layer0.attn_wv', 'layer0.attn_wo'],
    mlp: [
      ['layer0.mlp_fc1', 64],
      ['layer0.mlp_fc2', 16],
    ],
  });
  return { layout: layoutOf(pairs), outline };
}

test('the default script: roles, components, offsets and the 4192 breakdown', () => {
  const { layout, outline } = microgpt(1);
  const matrices = describeMatrices(layout, outline, { vocab, roles: { output: 'lm_head', model: { callee: 'gpt' } } });
  assert.deepEqual(
    matrices.map((m) => m.component.key),
    ['embed', 'embed', 'output', 'attn', 'attn', 'attn', 'attn', 'mlp', 'mlp'],
  );
  assert.deepEqual(
    matrices.map((m) => m.offset),
    [0, 432, 688, 1120, 1376, 1632, 1888, 2144, 3168],
  );
  assert.deepEqual(
    breakdown(matrices).map((p) => [p.component.key, p.count]),
    [
      ['embed', 688],
      ['attn', 1024],
      ['mlp', 2048],
      ['output', 432],
    ],
  );
  const [wte, wpe, head] = matrices;
  assert.equal(wte.rowLabels.length, 27);
  assert.equal(wte.rowLabels.at(-1), 'BOS');
  assert.equal(wpe.rowLabels, null); // its rows are positions, not tokens
  assert.equal(head.rowLabels.length, 27);
  assert.match(wte.purpose, /Token embedding: .*gpt\(\) looks it up by the token id in `tok = T\[token\]`/);
  const fc1 = matrices.find((m) => m.name === 'layer0.mlp_fc1');
  assert.match(fc1.purpose, /widens 16 numbers to 64/);
  assert.match(fc1.purpose, /`h = mix\(h, layer0.mlp_fc1\)`/);
  assert.doesNotMatch(matrices[3].purpose, /a comment/); // quoted without its comment
  assert.deepEqual(
    matrices.map((m) => m.short),
    ['wte', 'wpe', 'lm_head', 'attn_wq', 'attn_wk', 'attn_wv', 'attn_wo', 'mlp_fc1', 'mlp_fc2'],
  );
});

test("later layers take their layer-0 twin's role; groups follow the forward pass", () => {
  const { layout, outline } = microgpt(2);
  const matrices = describeMatrices(layout, outline, { vocab, roles: { output: 'lm_head' } });
  const groups = groupMatrices(matrices);
  assert.deepEqual(
    groups.map((g) => g.key),
    ['embed', 'layer 0', 'layer 1', 'output'],
  );
  assert.deepEqual(
    groups[2].parts.map((p) => [p.component.key, p.items.length]),
    [
      ['attn', 4],
      ['mlp', 2],
    ],
  );
  // fc1 and fc2 differ by a number too: each finds its own twin, not its sibling's.
  const fc1 = matrices.find((m) => m.name === 'layer1.mlp_fc1');
  assert.equal(fc1.twin, 'layer0.mlp_fc1');
  assert.match(fc1.purpose, /layer0.mlp_fc1.*run again for layer 1/);
  assert.equal(
    breakdown(matrices).reduce((s, p) => s + p.count, 0),
    7264,
  );
});

test('names that say nothing: the roles still come from the statements', () => {
  const layout = layoutOf([
    ['E', 27, 16],
    ['P', 16, 16],
    ['blocks[0].a.q.w', 16, 16],
    ['blocks[0].m.up.w', 64, 16],
    ['blocks[1].a.q.w', 16, 16],
    ['blocks[1].m.up.w', 64, 16],
    ['out.w', 27, 16],
  ]);
  const outline = outlineOf({ token: 'E', position: 'P', out: 'out.w', attn: ['blocks[0].a.q.w'], mlp: [['blocks[0].m.up.w', 64]] });
  const matrices = describeMatrices(layout, outline, { vocab, roles: { output: 'out.w' } });
  const byName = Object.fromEntries(matrices.map((m) => [m.name, m]));
  assert.equal(byName.E.component.key, 'embed');
  assert.equal(byName['blocks[1].a.q.w'].component.key, 'attn');
  assert.equal(byName['blocks[1].a.q.w'].layer, 1);
  assert.equal(byName['blocks[1].m.up.w'].component.key, 'mlp');
  assert.equal(byName['out.w'].component.key, 'output');
  assert.deepEqual(
    groupMatrices(matrices).map((g) => g.key),
    ['embed', 'layer 0', 'layer 1', 'output'],
  );
  assert.deepEqual(
    matrices.filter((m) => m.layer === 1).map((m) => m.short),
    ['a.q', 'm.up'],
  );
});

test('tied weights: the token table is also the output', () => {
  const layout = layoutOf([
    ['wte', 27, 16],
    ['wpe', 16, 16],
    ['layer0.attn_wq', 16, 16],
    ['layer0.mlp_fc1', 64, 16],
  ]);
  const outline = outlineOf({ token: 'wte', position: 'wpe', out: 'wte', attn: ['layer0.attn_wq'], mlp: [['layer0.mlp_fc1', 64]] });
  const matrices = describeMatrices(layout, outline, { vocab, roles: { output: 'wte' } });
  const wte = matrices[0];
  assert.deepEqual(wte.roles, ['token', 'output']);
  assert.equal(wte.component.key, 'embed');
  assert.match(wte.purpose, /also the output layer \(tied weights\)/);
  assert.equal(tiedOutput(matrices), wte);
  assert.deepEqual(
    breakdown(matrices).map((p) => p.component.key),
    ['embed', 'attn', 'mlp'],
  );
});

test('no outline (no model found): every matrix is "other", said plainly', () => {
  const matrices = describeMatrices(
    layoutOf([
      ['wte', 27, 16],
      ['ln_f', 1, 16],
    ]),
    null,
    { vocab },
  );
  assert.deepEqual(
    groupMatrices(matrices).map((g) => g.key),
    ['other'],
  );
  assert.match(matrices[1].purpose, /cannot say what it is for/);
});

test("helpers: a parameter label's matrix, the token table, the missing sentence", () => {
  assert.equal(matrixOfLabel('wte[6][15]'), 'wte');
  assert.equal(matrixOfLabel('blocks[0].attn.wq.w[3][1]'), 'blocks[0].attn.wq.w');
  assert.equal(matrixOfLabel('const'), null);
  assert.equal(matrixOfLabel(null), null);
  assert.equal(tokenEmbedding(microgpt(1).outline), 'wte');
  assert.equal(tokenEmbedding({ outline: [{ lookups: [{ matrix: 'E', by: 'token' }] }] }), 'E');
  const roles = matrixRoles(microgpt(1).layout, microgpt(1).outline, { roles: { output: 'lm_head' } });
  assert.equal(roles.get('layer0.attn_wq').component.key, 'attn');
  const info = { roles: { missing: { training: 'no training loop: looked for a `for` loop' } } };
  assert.equal(whyMissing(info, ['params', 'training']), 'No training loop: looked for a `for` loop.');
  assert.equal(whyMissing({ roles: { missing: {} } }, ['training']), null);
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
