// The DAG widget's layout and the short number format, under Node (no DOM needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutDag } from '../../js/ui/dag-layout.js';
import { shortNumber } from '../../js/ui/short-number.js';

const OPTS = { nodeWidth: 100, nodeHeight: 50, layerGap: 60, rowGap: 20, pad: 10 };

// (a.exp() / (a.exp() + b.exp())).log(), ids in the bridge's topological order.
const LOG_EXP = {
  // a=0 feeds both exps (1, 2); b=3 feeds its exp (4); add 5, power 6, multiply 7, log 8.
  nodes: [0, 1, 2, 3, 4, 5, 6, 7, 8].map((id) => ({ id })),
  edges: [
    { from: 0, to: 1 },
    { from: 0, to: 2 },
    { from: 3, to: 4 },
    { from: 2, to: 5 },
    { from: 4, to: 5 },
    { from: 5, to: 6 },
    { from: 1, to: 7 },
    { from: 6, to: 7 },
    { from: 7, to: 8 },
  ],
};

test('every edge points rightwards, and a skipping edge gets a slot in each layer it crosses', () => {
  const { pos, routes, width, height } = layoutDag(LOG_EXP.nodes, LOG_EXP.edges, OPTS);
  LOG_EXP.edges.forEach((e, i) => {
    const span = pos.get(e.to).layer - pos.get(e.from).layer;
    assert.ok(span >= 1);
    assert.equal(routes[i].length, span - 1);
  });
  // exp(a) (1) feeds the division's multiply (7) across the add and the power.
  const long = LOG_EXP.edges.findIndex((e) => e.from === 1 && e.to === 7);
  assert.equal(routes[long].length, 2);
  // No two boxes (or slots) overlap.
  const boxes = [...pos.values()].concat(routes.flat().map((p) => ({ x: p.x, y: p.y - OPTS.nodeHeight / 2 })));
  for (const [i, p] of boxes.entries()) {
    for (const q of boxes.slice(i + 1)) {
      assert.ok(p.x !== q.x || Math.abs(p.y - q.y) >= OPTS.nodeHeight + OPTS.rowGap, JSON.stringify([p, q]));
    }
  }
  assert.equal(width, 2 * OPTS.pad + 6 * OPTS.nodeWidth + 5 * OPTS.layerGap);
  assert.ok(height >= 2 * OPTS.pad + OPTS.nodeHeight);
});

test('a constant sits just before the node it feeds', () => {
  // a*b + c with c a constant: c joins the layer of a*b, not the inputs' layer.
  const nodes = [{ id: 0 }, { id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }];
  const edges = [
    { from: 0, to: 2 },
    { from: 1, to: 2 },
    { from: 2, to: 4 },
    { from: 3, to: 4 },
  ];
  const { pos } = layoutDag(nodes, edges, OPTS);
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((id) => pos.get(id).layer),
    [0, 0, 1, 1, 2],
  );
});

test('short numbers', () => {
  assert.equal(shortNumber(4), '4');
  assert.equal(shortNumber(-3.0), '-3');
  assert.equal(shortNumber(0.006692850924284732), '0.006693');
  assert.equal(shortNumber(0.006692850924284732, 3), '0.00669');
  assert.equal(shortNumber(0.000826, 3), '8.26e-4');
  assert.equal(shortNumber(1234567.8), '1.235e6');
  assert.equal(shortNumber(Number.NaN), 'nan');
});
