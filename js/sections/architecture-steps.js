// Chapter 4: the bridge's `trace` of one gpt() call, turned into the steps the diagram walks.
//
// The trace reports, for every statement gpt() ran, its line and which locals it (re)bound. A
// statement is placed in the diagram by the variable it assigns and, for `x` (which every
// stage reassigns), by where it falls in the order of the stages: after `x_residual` comes the
// attention's rmsnorm, after the heads' `x_attn` the output projection, and so on. No line
// number is fixed here: the lines are the trace's own, so an edited script still lines up.
//
//   const steps = traceSteps(trace);   // [{block, line, changed, before, input, layer, cache, head}]

// What the `x` assignments are, in order, after each marker of a layer's stages.
const X_AFTER = {
  embed: ['embed_add', 'embed_norm'],
  attn_res: ['attn_norm'],
  heads: ['wo', 'attn_add'],
  mlp_res: ['mlp_norm', 'fc1', 'relu', 'fc2', 'mlp_add'],
};

// Variables that name their block outright (inside a layer).
const BY_VAR = {
  q: 'q', k: 'k', v: 'v', keys: 'kv', values: 'kv',
  x_attn: 'split', h: 'split', hs: 'split', q_h: 'split', k_h: 'split', v_h: 'split',
  attn_logits: 'scores', attn_weights: 'softmax', head_out: 'wsum',
};

export function layerBlock(layer, block) {
  return `L${layer}.${block}`;
}

export function traceSteps(trace) {
  const steps = [];
  const locals = {}; // every local's latest value, so a step can show what it replaced
  let layer = null;
  let stage = 'embed'; // which X_AFTER list the next `x` assignments follow
  let xCount = 0;
  let heads = false; // the current layer's heads have run: the next x_residual starts the MLP
  trace.events.forEach((event, index) => {
    if (event.func !== 'gpt') return;
    if (event.event === 'call') { Object.assign(locals, event.changed); return; } // the arguments
    if (event.event !== 'line') return;
    const changed = event.changed ?? {};
    const names = Object.keys(changed);
    if (!names.length) return; // a loop header finding nothing left to do
    const before = {};
    let block = null;
    for (const name of names) {
      if (name in locals) before[name] = locals[name];
      const found = place(name, changed[name]);
      block = block ?? found;
    }
    const input = 'q' in changed || 'k' in changed || 'v' in changed ? { x: locals.x } : null;
    Object.assign(locals, changed);
    // The KV cache as it stands after this statement: how many positions each layer holds.
    const cache = (locals.keys ?? []).map((layerKeys) => layerKeys.length);
    // Inside the heads' loop, which head the statement worked for.
    // (`x_attn = []` comes before the loop: an `h` from the layer before is not its head.)
    const inLoop = /\.(split|scores|softmax|wsum)$/.test(block ?? '') && !(changed.x_attn && !changed.x_attn.length);
    const head = inLoop && 'h' in locals ? locals.h : null;
    steps.push({ index, block, line: event.line, changed, before, input, layer, cache, head });
  });

  function place(name, value) {
    if (name === 'tok_emb' || name === 'pos_emb') return name;
    if (name === 'logits') return 'lm_head';
    if (name === 'li') {
      layer = value;
      heads = false;
      return layerBlock(layer, 'frame');
    }
    if (name === 'x_residual' && layer != null) {
      stage = heads ? 'mlp_res' : 'attn_res';
      xCount = 0;
      return layerBlock(layer, stage);
    }
    if (name === 'x') {
      const order = X_AFTER[stage];
      const block = order[Math.min(xCount, order.length - 1)];
      xCount += 1;
      return stage === 'embed' ? block : layerBlock(layer, block);
    }
    if (name in BY_VAR && layer != null) {
      const block = name === 'x_attn' && value?.length ? 'wsum' : BY_VAR[name];
      // Once the heads have run, the next `x` is the output projection.
      if (block === 'scores' || block === 'softmax' || block === 'wsum') { heads = true; stage = 'heads'; xCount = 0; }
      return layerBlock(layer, block);
    }
    return null; // a local the diagram has no box for: the step keeps the block it had
  }

  // A step whose variable has no box stays on the last one lit.
  let last = 'tok_emb';
  for (const step of steps) {
    step.block = step.block ?? last;
    last = step.block;
  }
  // The end of the pass: the script's softmax over the logits, the target and its loss term.
  const returned = trace.events.findLast((e) => e.event === 'return' && e.func === 'gpt');
  steps.push({ index: trace.events.length, block: 'probs', line: returned?.line ?? steps.at(-1)?.line ?? null, changed: {}, before: {}, input: null, layer: null, cache: steps.at(-1)?.cache ?? [], final: true });
  return steps;
}
