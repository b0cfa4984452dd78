// Layered layout for a small directed acyclic graph, left to right: every edge goes from a
// lower layer to a higher one. This is presentation only (where boxes go on screen); the
// graph itself comes from Python.
//
//   const { pos, routes, width, height } = layoutDag(nodes, edges, { nodeWidth, nodeHeight, ... });
//   pos.get(id) -> { x, y, layer }   (top-left corner of the node's box)
//   routes[i]   -> [{ x, y }, ...]   points edge i passes through on its way across layers
//
// nodes: [{ id }] in topological order (what feeds a node comes before it). A node that only
// feeds others sits just before the first one it feeds, so a constant does not drag a long
// edge across the picture. An edge that still skips layers gets a place of its own in each
// layer it crosses (as a box-sized slot no box is drawn in), so it never runs through a box.
// edges: [{ from, to }], from the node that feeds into `to`.

const SWEEPS = 6;

export function layoutDag(nodes, edges, { nodeWidth, nodeHeight, layerGap, rowGap, pad }) {
  const ids = nodes.map((n) => n.id);
  const ins = new Map(ids.map((id) => [id, []])); // id -> ids feeding it
  const outs = new Map(ids.map((id) => [id, []])); // id -> ids it feeds
  for (const e of edges) {
    ins.get(e.to)?.push(e.from);
    outs.get(e.from)?.push(e.to);
  }
  const layer = longestPathLayers(ids, ins, outs);
  for (const id of ids) {
    if (ins.get(id).length || !outs.get(id).length) continue;
    layer.set(id, Math.max(0, Math.min(...outs.get(id).map((p) => layer.get(p))) - 1));
  }

  // Long edges become chains through slots, one per layer crossed.
  const slotIns = new Map(ids.map((id) => [id, []]));
  const slotOuts = new Map(ids.map((id) => [id, []]));
  const chains = edges.map((e, i) => {
    const chain = [];
    let prev = e.from;
    for (let l = layer.get(e.from) + 1; l < layer.get(e.to); l++) {
      const slot = `edge${i}:${l}`;
      layer.set(slot, l);
      slotIns.set(slot, [prev]);
      slotOuts.set(slot, []);
      slotOuts.get(prev).push(slot);
      chain.push(slot);
      prev = slot;
    }
    slotOuts.get(prev).push(e.to);
    slotIns.get(e.to).push(prev);
    return chain;
  });

  const count = Math.max(0, ...layer.values()) + 1;
  const layers = Array.from({ length: count }, () => []);
  for (const id of ids) layers[layer.get(id)].push(id); // topological order: a fair first guess
  for (const chain of chains) for (const slot of chain) layers[layer.get(slot)].push(slot);
  orderByBarycenter(layers, slotIns, slotOuts);

  const tallest = Math.max(1, ...layers.map((l) => l.length));
  const height = pad * 2 + tallest * nodeHeight + (tallest - 1) * rowGap;
  const width = pad * 2 + count * nodeWidth + (count - 1) * layerGap;
  const pos = new Map();
  layers.forEach((members, li) => {
    const span = members.length * nodeHeight + (members.length - 1) * rowGap;
    const top = (height - span) / 2;
    members.forEach((id, k) => pos.set(id, { x: pad + li * (nodeWidth + layerGap), y: top + k * (nodeHeight + rowGap), layer: li }));
  });
  const routes = chains.map((chain) =>
    chain.map((slot) => {
      const p = pos.get(slot);
      return { x: p.x, y: p.y + nodeHeight / 2 };
    }),
  );
  for (const chain of chains) for (const slot of chain) pos.delete(slot);
  return { pos, routes, width, height };
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
// (by what feeds a node) and then left (by what it feeds), a few times. Ranks are centred
// (layers are drawn centred), so -0.5 in a layer of two sits level with 0 in a layer of one.
function orderByBarycenter(layers, ins, outs) {
  const rank = new Map();
  const place = (l) => l.forEach((id, k) => rank.set(id, k - (l.length - 1) / 2));
  layers.forEach(place);
  const sortBy = (l, neighbours) => {
    const key = new Map(
      l.map((id) => {
        const ns = neighbours.get(id);
        return [id, ns.length ? ns.reduce((s, n) => s + rank.get(n), 0) / ns.length : rank.get(id)];
      }),
    );
    l.sort((a, b) => key.get(a) - key.get(b) || rank.get(a) - rank.get(b));
    place(l);
  };
  for (let s = 0; s < SWEEPS; s++) {
    for (let i = 1; i < layers.length; i++) sortBy(layers[i], ins);
    for (let i = layers.length - 2; i >= 0; i--) sortBy(layers[i], outs);
  }
}
