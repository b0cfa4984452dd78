// Chapter 4: the side panel of the step-through. What the step's statement did, in words, and
// the numbers it produced, exactly as the trace recorded them: each vector as labelled cells,
// with the value it replaced beside it when the statement transforms a vector (x before and
// after rmsnorm, the input x beside q, k and v). Also the KV cache as it stands, and at the end
// the next-character probabilities with the target's loss term.
import { el } from '../ui/dom.js';
import { chipForId } from '../ui/token-chip.js';
import { formatProb, renderProbBars } from '../ui/prob-bars.js';
import { shortNumber } from '../ui/short-number.js';
import { maxAbs, vectorCells, vectorRows } from '../ui/vector-cells.js';

// What each kind of block does, in plain words. `h` is info.hyper.
const ABOUT = {
  tok_emb: ['embed', 'Token embedding', () => 'The row of wte for this token: the learned vector that stands for the character.'],
  pos_emb: ['embed', 'Position embedding', () => 'The row of wpe for this position: the learned vector for "being at position pos_id".'],
  embed_add: ['embed', 'Add', () => 'The two vectors are added number by number, so x carries both what and where.'],
  embed_norm: ['embed', 'rmsnorm', () => 'Rescales x so its numbers have a root-mean-square of about 1.'],
  frame: ['plain', 'Next layer', () => 'The loop over the transformer layers moves to layer li.'],
  attn_res: ['attn', 'Keep a copy', () => 'x is kept as x_residual, so attention\'s result can be added to it later.'],
  attn_norm: ['attn', 'rmsnorm', () => 'Rescales x before attention reads it.'],
  q: ['attn', 'Query', () => 'linear(x, attn_wq): what this position is looking for.'],
  k: ['attn', 'Key', () => 'linear(x, attn_wk): what this position offers to later ones.'],
  v: ['attn', 'Value', () => 'linear(x, attn_wv): what this position hands over when it is attended to.'],
  kv: ['attn', 'KV cache', () => 'k and v join the keys and values of the earlier positions in this layer.'],
  split: ['attn', 'Split into heads', (h) => `Each of the ${h.n_head} heads takes its own slice of ${h.head_dim} numbers of q and of every cached k and v.`],
  scores: ['attn', 'Scaled dot products', (h) => `One score per cached position: q_h · k_h[t], divided by √${h.head_dim}.`],
  softmax: ['attn', 'Softmax', () => 'The scores become attention weights that are positive and add up to 1.'],
  wsum: ['attn', 'Weighted sum', () => 'The head mixes the cached values by those weights; the heads\' outputs are joined into x_attn.'],
  wo: ['attn', 'Output projection', () => 'linear(x_attn, attn_wo) mixes the heads\' outputs into one vector.'],
  attn_add: ['attn', 'Residual add', () => 'Attention\'s output is added to x_residual, the vector it started from.'],
  mlp_res: ['mlp', 'Keep a copy', () => 'x is kept as x_residual again, for the MLP\'s residual add.'],
  mlp_norm: ['mlp', 'rmsnorm', () => 'Rescales x before the MLP.'],
  fc1: ['mlp', 'Widen (fc1)', (h) => `linear(x, mlp_fc1): ${h.n_embd} numbers become ${4 * h.n_embd}.`],
  relu: ['mlp', 'ReLU', () => 'Every negative number becomes 0; the positive ones pass unchanged.'],
  fc2: ['mlp', 'Narrow (fc2)', (h) => `linear(x, mlp_fc2): back to ${h.n_embd} numbers.`],
  mlp_add: ['mlp', 'Residual add', () => 'The MLP\'s output is added to x_residual.'],
  lm_head: ['loss', 'Logits', () => 'linear(x, lm_head): one score per vocabulary entry. gpt() returns these.'],
  probs: ['loss', 'Next-character probabilities', () => 'The script\'s softmax turns the logits into probabilities; training wants the target\'s to be high.'],
};

export function describe(block, hyper) {
  const kind = block.includes('.') ? block.split('.')[1] : block;
  const [flow, title, text] = ABOUT[kind] ?? ['plain', kind, () => ''];
  const layer = block.startsWith('L') ? `layer ${block.slice(1).split('.')[0]} · ` : '';
  return { flow, title: layer + title, text: text(hyper ?? {}) };
}

function isVector(v) {
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

function isMatrix(v) {
  return Array.isArray(v) && v.length > 0 && v.every(isVector);
}

// The labels for a vector of one score per vocabulary entry.
export function vocabLabels(info) {
  return Array.from({ length: info.vocab_size }, (_, i) => (i === info.BOS ? 'BOS' : info.uchars[i]));
}

// The cells for one changed local (with what it replaced, or the input it was computed from).
function showVar(name, value, { step, info, trace }) {
  const positionLabel = (t) => `pos ${t} ${trace.chars[t] ?? ''}`;
  if (typeof value === 'number') return el('p', 'arch-scalar', [el('code', null, name), ` = ${shortNumber(value)}`]);
  if (Array.isArray(value) && !value.length) return el('p', 'arch-scalar', [el('code', null, name), ' = [] (empty; the heads fill it)']);
  if (name === 'keys' || name === 'values') {
    const rows = value[step.layer] ?? [];
    return vectorRows(rows, { label: `${name}[${step.layer}]`, rowLabels: rows.map((_, t) => positionLabel(t)) });
  }
  if (isMatrix(value)) return vectorRows(value, { label: name, rowLabels: value.map((_, t) => positionLabel(t)) });
  if (!isVector(value)) return el('p', 'arch-scalar', [el('code', null, name), ` = ${String(value)}`]);
  const labels = value.length === info.vocab_size ? vocabLabels(info) : null;
  const earlier = step.before[name] ?? step.input?.x;
  const earlierName = name in step.before ? `${name} before` : 'input x';
  if (isVector(earlier) && earlier.length && name !== 'x_attn' && name !== 'attn_logits') {
    const range = maxAbs(earlier, value);
    return el('div', 'arch-pair', [
      vectorCells(earlier, { label: earlierName, range, className: 'before' }),
      vectorCells(value, { label: name in step.before ? `${name} after` : name, range, labels, className: 'after' }),
    ]);
  }
  return vectorCells(value, { label: name, labels, className: 'after' });
}

export function renderValues(container, { step, info, trace }) {
  if (step.final) {
    container.replaceChildren(finalView(info, trace));
    return;
  }
  const parts = Object.entries(step.changed).map(([name, value]) => {
    const node = showVar(name, value, { step, info, trace });
    node.dataset.var = name;
    return node;
  });
  container.replaceChildren(...parts);
}

function finalView(info, trace) {
  const bars = el('div', 'arch-probs');
  const labels = vocabLabels(info);
  const top = 8;
  renderProbBars(bars, { probs: trace.probs, labels, marks: { target: trace.target_id }, top });
  const target = labels[trace.target_id];
  const rank = 1 + trace.probs.filter((p) => p > trace.target_prob).length;
  const where = rank <= top ? 'among them' : `ranked ${rank} of ${trace.probs.length}`;
  return el('div', 'arch-final', [
    el('p', 'arch-probs-caption', `The ${top} most likely next characters; the target "${target}" is ${where}.`),
    bars,
    el('dl', 'arch-loss', [
      el('div', null, [el('dt', null, `p(target "${target}")`), el('dd', { dataset: { value: String(trace.target_prob) } }, formatProb(trace.target_prob))]),
      el('div', null, [el('dt', null, 'loss term −log p'), el('dd', { className: 'loss', dataset: { value: String(trace.loss) } }, shortNumber(trace.loss))]),
    ]),
  ]);
}

// The KV cache after the step: per layer, the positions whose k and v are stored.
export function renderCache(container, { step, info, trace }) {
  const rows = step.cache.map((count, layer) => el('div', { className: 'arch-kv-row', dataset: { layer: String(layer), count: String(count) } }, [
    el('span', 'arch-kv-label', `layer ${layer}`),
    ...Array.from({ length: count }, (_, t) => {
      const chip = chipForId(trace.tokens[t], info, { small: true, title: `position ${t}` });
      if (t === trace.pos) chip.classList.add('fresh');
      return chip;
    }),
    count ? null : el('span', 'arch-kv-empty', 'empty'),
  ]));
  const note = `After this call the cache holds ${trace.kv_cache.numbers} numbers: a key and a value per position and layer.`;
  container.replaceChildren(...rows, el('p', 'arch-kv-note', note));
}
