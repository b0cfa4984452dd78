// What the parameters chapter knows about a weight matrix, from its name and shape alone:
// which component it belongs to (and so its colour), where it is drawn, what it is for.
// Names and shapes come from the script's `state_dict` via the bridge, so an edited script
// (more layers, a wider model, a renamed matrix) is described by the same rules.

// The colouring rule, stated once (the legend prints it): embeddings blue, attention green,
// MLP orange, and the output layer lm_head red, because it makes the logits the loss is
// computed from (as in the pipeline at the top of the page). Anything else is grey.
export const COMPONENTS = [
  { key: 'embed', label: 'embeddings', flow: 'embed', rule: 'wte, wpe' },
  { key: 'attn', label: 'attention', flow: 'attn', rule: 'attn_*' },
  { key: 'mlp', label: 'MLP', flow: 'mlp', rule: 'mlp_*' },
  { key: 'output', label: 'output', flow: 'loss', rule: 'lm_head → logits → loss' },
  { key: 'other', label: 'other', flow: 'other', rule: 'not recognised' },
];
const BY_KEY = Object.fromEntries(COMPONENTS.map((c) => [c.key, c]));

export function componentOf(name) {
  const leaf = name.split('.').at(-1);
  if (/^(wte|wpe)$/.test(leaf) || leaf.includes('emb')) return BY_KEY.embed;
  if (leaf.includes('attn')) return BY_KEY.attn;
  if (leaf.includes('mlp')) return BY_KEY.mlp;
  if (leaf.includes('head')) return BY_KEY.output;
  return BY_KEY.other;
}

// One sentence per matrix. `matrix(nout, nin)` makes nout rows of nin numbers, and
// linear(x, w) computes one output per row, so rows are outputs and columns inputs.
const PURPOSES = {
  wte: () => 'Token embeddings: row t is the vector that stands for token t; gpt() looks it up by token id.',
  wpe: () => 'Position embeddings: row p is added to the token\'s vector when it stands at position p.',
  lm_head: () => 'Output layer: each row scores one token of the vocabulary against the final vector; the scores are the logits.',
  attn_wq: () => 'Query projection: turns the current position\'s vector into what it is looking for.',
  attn_wk: () => 'Key projection: turns each position\'s vector into what the queries are matched against.',
  attn_wv: () => 'Value projection: turns each position\'s vector into what it passes on when attended to.',
  attn_wo: () => 'Output projection: mixes the heads\' joined results before they are added back to the residual.',
  mlp_fc1: ({ rows, cols }) => `First MLP layer: widens the ${cols} numbers to ${rows}; relu then keeps only the positive ones.`,
  mlp_fc2: ({ rows, cols }) => `Second MLP layer: narrows the ${cols} numbers back to ${rows}, which are added back to the residual.`,
};

const AXES = {
  wte: ['tokens', 'embedding dims'],
  wpe: ['positions', 'embedding dims'],
  lm_head: ['tokens (one logit each)', 'embedding dims'],
};

// [{name, leaf, short, rows, cols, size, offset, component, group, purpose, axes, rowLabels}]
// `offset` is where the matrix starts in the flat `params` list, which the script builds by
// walking state_dict's matrices row by row in order.
export function describeMatrices({ names = [], shapes = [] }, info = {}) {
  const vocabLabels = tokenLabels(info);
  let offset = 0;
  return names.map((name, i) => {
    const [rows, cols] = shapes[i] ?? [0, 0];
    const leaf = name.split('.').at(-1);
    const layer = /^(.*)\.[^.]+$/.exec(name)?.[1] ?? null; // "layer0" for "layer0.attn_wq"
    const component = componentOf(name);
    const matrix = {
      name, leaf, short: leaf.replace(/^(attn|mlp)_/, ''), rows, cols, size: rows * cols, offset, component,
      group: layer ?? component.key,
      axes: AXES[leaf] ?? ['outputs', 'inputs'],
      rowLabels: (leaf === 'wte' || leaf === 'lm_head') && vocabLabels?.length === rows ? vocabLabels : null,
    };
    matrix.purpose = (PURPOSES[leaf] ?? (() => 'A matrix of this script\'s state_dict that the guide has no description for.'))(matrix);
    offset += matrix.size;
    return matrix;
  });
}

// Token labels for vocabulary rows: the characters, and BOS for the extra token.
function tokenLabels(info) {
  const chars = info.uchars ?? [];
  if (!chars.length) return null;
  const labels = chars.map((c) => (c === ' ' ? '␣' : c));
  if (info.BOS === chars.length) labels.push('BOS');
  return labels;
}

// Draw order: embeddings, then each layer in the script's order, then the output, then the rest.
// Within a layer, matrices are split by component (attention, then MLP).
export function groupMatrices(matrices) {
  const groups = new Map();
  for (const m of matrices) {
    if (!groups.has(m.group)) groups.set(m.group, { key: m.group, title: groupTitle(m), items: [] });
    groups.get(m.group).items.push(m);
  }
  const rank = (g) => (g.key === 'embed' ? 0 : g.key === 'output' ? 2 : g.key === 'other' ? 3 : 1);
  return [...groups.values()]
    .map((g, i) => ({ ...g, order: i, parts: splitByComponent(g.items) }))
    .sort((a, b) => rank(a) - rank(b) || a.order - b.order);
}

function groupTitle(m) {
  return m.group === m.component.key ? m.component.label : m.group;
}

function splitByComponent(items) {
  const parts = new Map();
  for (const m of items) {
    if (!parts.has(m.component.key)) parts.set(m.component.key, { component: m.component, items: [] });
    parts.get(m.component.key).items.push(m);
  }
  return [...parts.values()];
}

// Parameter counts per component, in legend order (components with none left out).
export function breakdown(matrices) {
  return COMPONENTS.map((component) => ({
    component,
    count: matrices.filter((m) => m.component === component).reduce((sum, m) => sum + m.size, 0),
  })).filter((part) => part.count > 0);
}
