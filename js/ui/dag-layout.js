// Layered layout for a small directed acyclic graph, left to right: every edge goes from a
// lower layer to a higher one. This is presentation only (where boxes go on screen); the
// graph itself comes from Python.
//
//   const { layers, pos, width, height } = layoutDag(nodes, edges, { nodeWidth, nodeHeight, ... });
//   pos.get(id) -> { x, y, layer }   (top-left corner of the node's box)
//
// nodes: [{ id, pin }] in any order; `pin: 'start'` keeps a source in the first layer (the
// inputs a reader controls line up on the left), other sources sit just before their first
// consumer so constants do not drag long edges across the picture.
// edges: [{ from, to }], from the node that feeds into `to`.

const SWEEPS = 4;

export function layoutDag(nodes, edges, { nodeWidth, nodeHeight, layerGap, rowGap, pad }) {
  const ids = nodes.map((n) => n.id);
  const ins = new Map(ids.map((id) => [id, []])); // id -> ids feeding it
  const outs = new Map(ids.map((id) => [id, []])); // id -> ids it feeds
  for (const e of edges) {
    ins.get(e.to)?.push(e.from);
    outs.get(e.from)?.push(e.to);
  }
  const layer = longestPathLayers(ids, ins, outs);
  for (const n of nodes) {
    if (ins.get(n.id).length || n.pin === 'start' || !outs.get(n.id).length) continue;
    layer.set(n.id, Math.max(0, Math.min(...outs.get(n.id).map((p) => layer.get(p))) - 1));
  }
  const count = Math.max(0, ...layer.values()) + 1;
  const layers = Array.from({ length: count }, () => []);
  for (const id of ids) layers[layer.get(id)].push(id); // ids arrive in topological order
  orderByBarycenter(layers, ins, outs);

  const tallest = Math.max(1, ...layers.map((l) => l.length));
  const height = pad * 2 + tallest * nodeHeight + (tallest - 1) * rowGap;
  const width = pad * 2 + count * nodeWidth + (count - 1) * layerGap;
  const pos = new Map();
  layers.forEach((ids_, li) => {
    const span = ids_.length * nodeHeight + (ids_.length - 1) * rowGap;
    const top = (height - span) / 2;
    ids_.forEach((id, k) => pos.set(id, { x: pad + li * (nodeWidth + layerGap), y: top + k * (nodeHeight + rowGap), layer: li }));
  });
  return { layers, pos, width, height };
}

// Layer = length of the longest path from a source, so every edge points rightwards.
function longestPathLayers(ids, ins, outs) {
  const layer = new Map();
  const pending = new Map(ids.map((id) => [id, ins.get(id).length]));
  const ready = ids.filter((id) => pending.get(id) === 0);
  for (const id of ready) layer.set(id, 0);
  while (ready.length) {
    const id = ready.shift();
    for (const next of outs.get(id)) {
      layer.set(next, Math.max(layer.get(next) ?? 0, layer.get(id) + 1));
      pending.set(next, pending.get(next) - 1);
      if (pending.get(next) === 0) ready.push(next);
    }
  }
  for (const id of ids) if (!layer.has(id)) layer.set(id, 0); // a cycle cannot come from Python; be safe
  return layer;
}

// Fewer crossings: sort each layer by the mean position of its neighbours, sweeping right
// (by what feeds a node) and then left (by what it feeds), a few times.
// Ranks are centred (layers are drawn centred), so -0.5 in a layer of two sits level with 0 in
// a layer of one.
function orderByBarycenter(layers, ins, outs) {
  const rank = new Map();
  const place = (l) => l.forEach((id, k) => rank.set(id, k - (l.length - 1) / 2));
  layers.forEach(place);
  const sortBy = (l, neighbours) => {
    const key = new Map(l.map((id) => {
      const ns = neighbours.get(id);
      return [id, ns.length ? ns.reduce((s, n) => s + rank.get(n), 0) / ns.length : rank.get(id)];
    }));
    l.sort((a, b) => key.get(a) - key.get(b) || rank.get(a) - rank.get(b));
    place(l);
  };
  for (let s = 0; s < SWEEPS; s++) {
    for (let i = 1; i < layers.length; i++) sortBy(layers[i], ins);
    for (let i = layers.length - 2; i >= 0; i--) sortBy(layers[i], outs);
  }
}
